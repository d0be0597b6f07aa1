"""A handler sees the state of its message's stream including that message, although the entity
cache served the stream before and another process wrote the message (a consumer group's other
member copying a job's outcome into a video's stream this member follows). A handler that
decides to write nothing learns of no version conflict, so a stale cache would make it decide
"not yet" for good: found by the multi-host test, where a video never became ready."""

from __future__ import annotations

import psycopg
import pytest

from message_store.consumer import Consumer
from message_store.messages import Message
from message_store.projection import Projection
from message_store.store import MessageStore
from tests.consumers.controls import (
    HANDLED_TYPE,
    message_example,
    settings_example,
    subscription_example,
)

COUNT = Projection(initial=int, handlers={HANDLED_TYPE: lambda count, message: count + 1})
STREAM_ID = "shared"


@pytest.mark.parametrize("batch_transaction", [False, True], ids=["alone", "batched"])
def test_a_message_another_process_wrote_is_in_the_state_its_handler_fetches(
    store: MessageStore, batch_transaction: bool
) -> None:
    seen: list[tuple[int, int, int]] = []

    def handler(message: Message, *, store: MessageStore) -> None:
        count, version = store.fetch(message.stream_name, COUNT)
        seen.append((message.position, count, version))

    consumer = Consumer(
        [subscription_example(handler, batch_transaction=batch_transaction)],
        store=store,
        settings=settings_example(),
    )
    store.write(message_example(1, stream_id=STREAM_ID))
    consumer.run(until_idle=True)  # fetched once: the stream is cached at version 0

    second = message_example(2, stream_id=STREAM_ID)
    with psycopg.connect(store.conninfo, autocommit=True) as other_process:
        other_process.execute(
            "SELECT message_store.write_message(%s, %s, %s, '{}'::jsonb)",
            (second.id, second.stream_name, second.type),
        )
    consumer.run(until_idle=True)

    assert seen == [(0, 1, 0), (1, 2, 1)]


def test_a_cached_entity_as_new_as_the_message_is_served_without_a_query(
    store: MessageStore,
) -> None:
    store.write(message_example(1, stream_id=STREAM_ID))
    [message] = store.read_stream(message_example(1, stream_id=STREAM_ID).stream_name)
    store.fetch(message.stream_name, COUNT)

    store.seen(message)

    assert store.entities.get(message.stream_name, COUNT) == (1, 0)
