"""A parked message whose replay was requested (after its cause was fixed) is handled again by
the consumer that owns it, and marked replayed; one that still fails stays parked."""

from __future__ import annotations

from message_store import parking
from message_store.consumer import Consumer
from message_store.models import ParkedMessage
from message_store.store import MessageStore
from tests.consumers.controls import (
    ConsumerThread,
    Recorder,
    parked,
    settings_example,
    subscription_example,
    wait_until,
    write_examples,
)


def park_one(store: MessageStore):
    _, poison = write_examples(store, range(1, 3))
    recorder = Recorder(fail_on={poison.id})
    Consumer([subscription_example(recorder)], store=store, settings=settings_example()).run(
        until_idle=True
    )
    [row] = parked()
    return poison, recorder, row


def test_a_replay_request_is_handled_and_marked_replayed(store: MessageStore) -> None:
    poison, recorder, row = park_one(store)
    recorder.fail_on.clear()  # the cause is fixed
    ParkedMessage.objects.filter(pk=row.pk).update(status=ParkedMessage.Status.REPLAY_REQUESTED)

    Consumer([subscription_example(recorder)], store=store, settings=settings_example()).run(
        until_idle=True
    )

    assert recorder.handled[-1] == poison.id
    assert recorder.handled.count(poison.id) == 1
    row.refresh_from_db()
    assert row.status == ParkedMessage.Status.REPLAYED
    assert row.resolved_at is not None


def test_a_replay_that_fails_again_stays_parked(store: MessageStore) -> None:
    poison, recorder, row = park_one(store)
    ParkedMessage.objects.filter(pk=row.pk).update(status=ParkedMessage.Status.REPLAY_REQUESTED)

    Consumer([subscription_example(recorder)], store=store, settings=settings_example()).run(
        until_idle=True
    )

    assert poison.id not in recorder.handled
    assert recorder.attempts[poison.id] == 6
    row.refresh_from_db()
    assert row.status == ParkedMessage.Status.PARKED
    assert row.resolved_at is None


def test_parked_messages_without_a_request_are_left_alone(store: MessageStore) -> None:
    poison, recorder, row = park_one(store)
    recorder.fail_on.clear()

    Consumer([subscription_example(recorder)], store=store, settings=settings_example()).run(
        until_idle=True
    )

    assert poison.id not in recorder.handled
    row.refresh_from_db()
    assert row.status == ParkedMessage.Status.PARKED


def test_a_running_consumer_replays_when_asked(store: MessageStore) -> None:
    """`request_replay` (the admin action) wakes a consumer that is idle, by notification."""
    poison, recorder, row = park_one(store)
    recorder.fail_on.clear()
    consumer = Consumer(
        [subscription_example(recorder)], store=store, settings=settings_example(poll_interval=60)
    )
    thread = ConsumerThread(consumer)
    thread.start()
    try:
        wait_until(lambda: consumer._listener is not None, timeout=10, what="listening")
        assert parking.request_replay([row.pk]) == 1

        wait_until(
            lambda: ParkedMessage.objects.get(pk=row.pk).status == ParkedMessage.Status.REPLAYED,
            timeout=10,
            what="the replay",
        )
    finally:
        thread.stop()
    assert thread.error is None
    assert recorder.handled.count(poison.id) == 1
