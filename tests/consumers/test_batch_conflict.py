"""A subscription that handles a read batch in one transaction: a version conflict in the middle
of the batch affects only its message. The messages before it commit together, it is handled
on its own (and loses its race, as it would without batching), the rest commit together."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from message_store.consumer import Consumer
from message_store.contracts import MessageData
from message_store.handling import emit
from message_store.messages import Message, new_id
from message_store.store import MessageStore
from tests.consumers.controls import (
    Recorder,
    message_example,
    parked,
    settings_example,
    subscription_example,
)

MESSAGES = 10
CONFLICTING = 6
NEW_STREAM = -1


@dataclass(frozen=True, kw_only=True)
class Done(MessageData):
    n: int


@pytest.fixture
def sql(store: MessageStore) -> Iterator[psycopg.Connection]:
    """A connection of another process, as it were."""
    with psycopg.connect(store.conninfo, autocommit=True) as connection:
        yield connection


def outcome_stream(n: int) -> str:
    return f"subscriptionExampleOutcome-{n}"


def handle(message: Message, *, store: MessageStore) -> None:
    """Record the message's outcome in a stream of its own, once (as the catalog sends a job's
    command: to a stream that must be new)."""
    n = message.data["n"]
    emit(store, message, outcome_stream(n), Done(n=n), expected_version=NEW_STREAM)


def transactions(sql, streams: list[str]) -> list[int]:
    """The transaction id of each stream's first message."""
    rows = sql.execute(
        "SELECT stream_name, xmin::text::bigint FROM message_store.messages"
        " WHERE stream_name = ANY(%s) AND position = 0",
        (streams,),
    ).fetchall()
    by_stream = dict(rows)
    return [by_stream[stream] for stream in streams]


def test_a_conflict_in_a_batch_affects_only_its_message(store: MessageStore, sql) -> None:
    for n in range(1, MESSAGES + 1):
        store.write(message_example(n))
    recorder = Recorder()

    def racing(message: Message, *, store: MessageStore) -> None:
        recorder(message, store=store)
        if message.data["n"] == CONFLICTING and recorder.attempts[message.id] == 1:
            # Another process gets to this message's outcome stream first.
            sql.execute(
                "SELECT message_store.write_message(%s, %s, 'Other', '{}'::jsonb)",
                (new_id(), outcome_stream(CONFLICTING)),
            )
        handle(message, store=store)

    settings = settings_example(batch_size=MESSAGES)
    consumer = Consumer(
        [subscription_example(racing, batch_transaction=True)], store=store, settings=settings
    )

    assert consumer.run(until_idle=True) == MESSAGES

    outcomes = {n: list(store.read_stream(outcome_stream(n))) for n in range(1, MESSAGES + 1)}
    assert [m.type for m in outcomes[CONFLICTING]] == ["Other"]  # it lost the race: no Done
    for n, messages in outcomes.items():
        if n != CONFLICTING:
            assert [m.type for m in messages] == ["Done"], n
    before = [outcome_stream(n) for n in range(1, CONFLICTING)]
    after = [outcome_stream(n) for n in range(CONFLICTING + 1, MESSAGES + 1)]
    assert len(set(transactions(sql, before))) == 1
    assert len(set(transactions(sql, after))) == 1
    assert transactions(sql, before)[0] != transactions(sql, after)[0]
    assert parked() == []


def test_without_batching_each_message_commits_on_its_own(store: MessageStore, sql) -> None:
    for n in range(1, 4):
        store.write(message_example(n))
    settings = settings_example(batch_transactions=False)
    Consumer(
        [subscription_example(handle, batch_transaction=True)], store=store, settings=settings
    ).run(until_idle=True)

    assert len(set(transactions(sql, [outcome_stream(n) for n in range(1, 4)]))) == 3


def test_a_failing_handler_in_a_batch_is_retried_alone_and_parked(store: MessageStore) -> None:
    for n in range(1, 6):
        store.write(message_example(n))
    poison = message_example(3).id
    recorder = Recorder(fail_on={poison})
    Consumer(
        [subscription_example(recorder, batch_transaction=True)],
        store=store,
        settings=settings_example(batch_size=5),
    ).run(until_idle=True)

    assert recorder.handled.count(message_example(5).id) == 1
    assert sorted(set(recorder.handled)) == sorted(message_example(n).id for n in (1, 2, 4, 5))
    assert [row.message_id for row in parked()] == [uuid.UUID(poison)]
    assert recorder.attempts[poison] == 1 + settings_example().max_attempts
