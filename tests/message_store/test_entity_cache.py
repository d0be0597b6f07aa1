"""The entity cache: a process that fetched or wrote a stream knows its entity without a query;
when another writer moved the stream on, the write back fails as stale and the cache forgets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from message_store.errors import StaleEntityError, VersionConflictError
from message_store.store import MessageStore
from tests.message_store.test_python_api import COUNTER, STREAM, added


def foreign_write(connect, n: int, amount: int) -> None:
    """Another process appends to STREAM, behind this process's back."""
    with connect() as connection:
        connection.execute(
            "SELECT message_store.write_message(%s, %s, 'Added', %s::jsonb)",
            (added(n, amount).id, STREAM, f'{{"amount": {amount}}}'),
        )


def test_a_second_fetch_is_served_from_the_cache(store: MessageStore, connect) -> None:
    store.write(added(1, 5))
    assert store.fetch(STREAM, COUNTER)[1] == 0
    foreign_write(connect, 2, 7)

    entity, version = store.fetch(STREAM, COUNTER)

    assert (entity.total, version) == (5, 0)  # no query: the foreign write is not seen


def test_own_writes_fold_into_the_cached_entity(store: MessageStore, connect) -> None:
    store.fetch(STREAM, COUNTER)
    store.write(added(1, 5))
    store.write(added(2, 7))

    entity, version = store.fetch(STREAM, COUNTER)

    assert (entity.total, version) == (12, 1)
    assert entity.seen == (added(1, 5).id, added(2, 7).id)


def test_a_write_on_stale_state_fails_as_stale_and_the_next_fetch_is_fresh(
    store: MessageStore, connect
) -> None:
    store.write(added(1, 5))
    _, version = store.fetch(STREAM, COUNTER)
    foreign_write(connect, 2, 7)

    with pytest.raises(StaleEntityError) as raised:
        store.write(replace(added(3, 1), expected_version=version))

    assert isinstance(raised.value, VersionConflictError)
    assert (raised.value.expected_version, raised.value.actual_version) == (0, 1)
    entity, fresh_version = store.fetch(STREAM, COUNTER)
    assert (entity.total, fresh_version) == (12, 1)


def test_a_conflict_on_a_stream_never_fetched_stays_a_plain_conflict(store: MessageStore) -> None:
    store.write(added(1, 5))

    with pytest.raises(VersionConflictError) as raised:
        store.write(replace(added(2, 1), expected_version=-1))

    assert type(raised.value) is VersionConflictError


def test_a_zero_size_cache_always_reads(store: MessageStore, connect) -> None:
    uncached = MessageStore(store.conninfo, entity_cache_size=0)
    try:
        uncached.fetch(STREAM, COUNTER)
        foreign_write(connect, 1, 7)
        assert uncached.fetch(STREAM, COUNTER)[1] == 0
    finally:
        uncached.close()
