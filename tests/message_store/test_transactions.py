"""`MessageStore.transaction()`: the thread's calls share one transaction, committed at the end
of the block or rolled back; the entity cache learns what it fetched and wrote only at commit."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import pytest

from message_store.errors import (
    MessageStoreError,
    TransactionFailedError,
    VersionConflictError,
)
from message_store.store import MessageStore
from tests.message_store.controls import OTHER_CATEGORY, message_example, stream_name_example
from tests.message_store.test_python_api import COUNTER, STREAM, added


def xmins(sql) -> list[int]:
    rows = sql.execute("SELECT xmin::text::bigint FROM message_store.messages ORDER BY 1")
    return [xmin for (xmin,) in rows]


def test_writes_in_a_transaction_commit_together(store: MessageStore, sql) -> None:
    with store.transaction():
        store.write(added(1, 5))
        store.write(added(2, 7))
        assert sql.execute("SELECT count(*) FROM message_store.messages").fetchone()[0] == 0

    assert len(set(xmins(sql))) == 1
    assert [m.data["amount"] for m in store.read_stream(STREAM)] == [5, 7]


def test_reads_in_a_transaction_see_its_own_writes(store: MessageStore) -> None:
    with store.transaction():
        store.write(added(1, 5))
        assert store.stream_version(STREAM) == 0


def write_then_fail(store: MessageStore, *messages) -> None:
    with store.transaction():
        for message in messages:
            store.write(message)
        raise RuntimeError("handler failed")


def test_an_exception_rolls_everything_back(store: MessageStore, sql) -> None:
    with pytest.raises(RuntimeError):
        write_then_fail(store, added(1, 5))

    assert xmins(sql) == []


def conflict_caught_inside(store: MessageStore) -> bool:
    with store.transaction() as transaction:
        store.write(added(1, 5))
        with contextlib.suppress(VersionConflictError):  # as a handler that lost a race does
            store.write(replace(added(2, 7), expected_version=5))
        return transaction.failed


def test_a_caught_conflict_fails_the_transaction_instead_of_committing_part(
    store: MessageStore, sql
) -> None:
    with pytest.raises(TransactionFailedError):
        conflict_caught_inside(store)

    assert xmins(sql) == []


def test_the_cache_learns_a_transactions_entities_only_when_it_commits(
    store: MessageStore,
) -> None:
    store.fetch(STREAM, COUNTER)
    seen = []

    def write_fetch_and_fail() -> None:
        with store.transaction():
            store.write(added(1, 5))
            seen.append(store.fetch(STREAM, COUNTER)[0].total)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        write_fetch_and_fail()

    assert seen == [5]
    assert store.fetch(STREAM, COUNTER) == (COUNTER.initial(), -1)

    with store.transaction():
        store.write(added(2, 7))
    entity, version = store.fetch(STREAM, COUNTER)
    assert (entity.total, version) == (7, 0)


def test_a_silent_write_does_not_silence_the_rest_of_the_transaction(
    store: MessageStore, connect
) -> None:
    listener = connect()
    listener.execute("LISTEN message_store")
    with store.transaction():
        store.write(added(1, 5), notify=False)
        other = stream_name_example("9", category=OTHER_CATEGORY)
        store.write(message_example(2, stream_name=other))

    payloads = [n.payload for n in listener.notifies(timeout=5.0, stop_after=1)]
    assert payloads == [OTHER_CATEGORY]


def test_transactions_do_not_nest(store: MessageStore) -> None:
    with store.transaction(), pytest.raises(MessageStoreError), store.transaction():
        pass
