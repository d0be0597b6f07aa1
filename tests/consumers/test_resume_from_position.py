"""A subscription resumes after the position it stored: a new consumer handles only what is new."""

from __future__ import annotations

from message_store.consumer import Consumer, position_stream
from message_store.messages import NewMessage
from message_store.store import MessageStore
from tests.consumers.controls import (
    SUBSCRIBER_ID,
    Recorder,
    settings_example,
    stored_positions,
    subscription_example,
    write_examples,
)


def test_a_new_consumer_handles_only_new_messages(store: MessageStore) -> None:
    first_batch = write_examples(store, range(1, 6))
    first = Recorder()
    consumer = Consumer([subscription_example(first)], store=store, settings=settings_example())
    assert consumer.run(until_idle=True) == 5
    assert first.handled == [m.id for m in first_batch]
    assert stored_positions(store, SUBSCRIBER_ID)[-1] == first_batch[-1].global_position

    second_batch = write_examples(store, range(6, 9))
    second = Recorder()
    consumer = Consumer([subscription_example(second)], store=store, settings=settings_example())
    assert consumer.run(until_idle=True) == 3

    assert second.handled == [m.id for m in second_batch]
    reads = list(store.read_stream(position_stream(SUBSCRIBER_ID)))
    assert {m.type for m in reads} == {"Read"}
    assert reads[-1].data == {"position": second_batch[-1].global_position}


def test_nothing_new_means_nothing_handled(store: MessageStore) -> None:
    write_examples(store, range(1, 4))
    Consumer([subscription_example(Recorder())], store=store).run(until_idle=True)
    saved = stored_positions(store, SUBSCRIBER_ID)

    again = Recorder()
    Consumer([subscription_example(again)], store=store).run(until_idle=True)

    assert again.handled == []
    assert stored_positions(store, SUBSCRIBER_ID) == saved


def test_a_stored_position_that_is_not_a_count_starts_over(store: MessageStore) -> None:
    messages = write_examples(store, range(1, 4))
    store.write(
        NewMessage(
            id="00000000-0000-4000-9999-000000000001",
            stream_name=position_stream(SUBSCRIBER_ID),
            type="Read",
            data={"position": "three"},
        )
    )
    recorder = Recorder()

    Consumer([subscription_example(recorder)], store=store).run(until_idle=True)

    assert recorder.handled == [m.id for m in messages]
    assert stored_positions(store, SUBSCRIBER_ID)[-1] == messages[-1].global_position


def test_a_position_reset_to_zero_handles_everything_again_and_is_stored_again(
    store: MessageStore,
) -> None:
    """Rebuilding a view resets its position: the consumer must store the same positions anew."""
    messages = write_examples(store, range(1, 4))
    Consumer([subscription_example(Recorder())], store=store).run(until_idle=True)
    store.write(
        NewMessage(
            id="00000000-0000-4000-9999-000000000002",
            stream_name=position_stream(SUBSCRIBER_ID),
            type="Read",
            data={"position": 0},
        )
    )
    recorder = Recorder()

    Consumer([subscription_example(recorder)], store=store).run(until_idle=True)

    assert recorder.handled == [m.id for m in messages]
    assert stored_positions(store, SUBSCRIBER_ID)[-1] == messages[-1].global_position
