"""The position is stored every N messages (and when caught up), not after every message."""

from __future__ import annotations

from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import (
    SUBSCRIBER_ID,
    Recorder,
    settings_example,
    stored_positions,
    subscription_example,
    write_examples,
)


def test_stored_every_third_message_and_at_the_end(store: MessageStore) -> None:
    messages = write_examples(store, range(1, 11))
    settings = settings_example(position_update_interval=3, batch_size=100)

    Consumer([subscription_example(Recorder())], store=store, settings=settings).run(
        until_idle=True
    )

    expected = [messages[i].global_position for i in (2, 5, 8, 9)]
    assert stored_positions(store, SUBSCRIBER_ID) == expected


def test_stored_while_handling_not_only_at_the_end(store: MessageStore) -> None:
    """What a crash would leave behind: a handler sees the positions stored so far."""
    messages = write_examples(store, range(1, 8))
    seen: list[list[int]] = []

    def handler(message, *, store):
        seen.append(stored_positions(store, SUBSCRIBER_ID))

    settings = settings_example(position_update_interval=2, batch_size=3)
    Consumer([subscription_example(handler)], store=store, settings=settings).run(until_idle=True)

    g = [m.global_position for m in messages]
    assert seen == [[], [], [g[1]], [g[1]], [g[1], g[3]], [g[1], g[3]], [g[1], g[3], g[5]]]
    assert stored_positions(store, SUBSCRIBER_ID) == [g[1], g[3], g[5], g[6]]
