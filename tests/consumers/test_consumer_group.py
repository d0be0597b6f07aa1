"""A consumer group of two splits a category by stream: every message is handled by exactly one
member, and all the messages of a stream by the same member."""

from __future__ import annotations

from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import (
    SUBSCRIBER_ID,
    Recorder,
    last_position,
    message_example,
    settings_example,
    stored,
    subscription_example,
)


def test_two_members_split_the_category(store: MessageStore) -> None:
    messages = [
        stored(store, message_example(n, stream_id=f"stream{n % 30}")) for n in range(1, 61)
    ]
    members = [Recorder(), Recorder()]
    consumers = [
        Consumer(
            [subscription_example(recorder)],
            store=store,
            settings=settings_example(group_member=member, group_size=2, batch_size=7),
        )
        for member, recorder in enumerate(members)
    ]

    for consumer in consumers:
        consumer.run(until_idle=True)

    first, second = (set(recorder.handled) for recorder in members)
    assert first
    assert second
    assert not first & second
    assert first | second == {m.id for m in messages}
    streams_of = [
        {m.stream_name for m in messages if m.id in handled} for handled in (first, second)
    ]
    assert not streams_of[0] & streams_of[1]
    assert [c.subscriber_ids for c in consumers] == [
        [f"{SUBSCRIBER_ID}+0of2"],
        [f"{SUBSCRIBER_ID}+1of2"],
    ]
    last_in_category = max(m.global_position for m in messages)
    for consumer in consumers:
        # Each member moves past the whole category, the other member's messages included.
        assert last_position(store, consumer.subscriber_ids[0]) >= last_in_category
    assert last_position(store, SUBSCRIBER_ID) is None
