"""A message whose handler raises every time is retried, then parked with the error, and the
subscription moves on to the next message."""

from __future__ import annotations

from message_store.consumer import Consumer
from message_store.models import ParkedMessage
from message_store.store import MessageStore
from tests.consumers.controls import (
    SUBSCRIBER_ID,
    Recorder,
    last_position,
    parked,
    settings_example,
    subscription_example,
    write_examples,
)


def test_retried_then_parked_and_the_next_message_is_handled(store: MessageStore) -> None:
    first, poison, after = write_examples(store, range(1, 4))
    recorder = Recorder(fail_on={poison.id})

    Consumer(
        [subscription_example(recorder)], store=store, settings=settings_example(max_attempts=3)
    ).run(until_idle=True)

    assert recorder.handled == [first.id, after.id]
    assert recorder.attempts[poison.id] == 3
    [row] = parked()
    assert row.subscriber_id == SUBSCRIBER_ID
    assert str(row.message_id) == poison.id
    assert row.global_position == poison.global_position
    assert row.stream_name == poison.stream_name
    assert row.type == poison.type
    assert row.data == poison.data
    assert row.metadata == poison.metadata
    assert row.attempts == 3
    assert row.status == ParkedMessage.Status.PARKED
    assert "RuntimeError" in row.error
    assert f"cannot handle message {poison.id}" in row.error
    assert last_position(store, SUBSCRIBER_ID) == after.global_position


def test_a_message_that_succeeds_on_retry_is_not_parked(store: MessageStore) -> None:
    [message] = write_examples(store, range(1, 2))
    calls = []

    def flaky(message, *, store):
        calls.append(message.id)
        if len(calls) < 2:
            raise RuntimeError("a hiccup")

    Consumer(
        [subscription_example(flaky)], store=store, settings=settings_example(max_attempts=3)
    ).run(until_idle=True)

    assert calls == [message.id, message.id]
    assert parked() == []
