"""A handler whose cached entity went stale (another process wrote its stream) runs again at
once on fresh state: its write lands with the right expected version and nothing is parked."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from message_store.consumer import Consumer
from message_store.contracts import MessageData
from message_store.handling import emit
from message_store.messages import Message, NewMessage, new_id
from message_store.projection import Projection
from message_store.store import MessageStore
from tests.consumers.controls import (
    message_example,
    parked,
    settings_example,
    subscription_example,
)

TALLY = "tally-1"
COUNT = Projection(initial=lambda: 0, handlers={"Counted": lambda count, _message: count + 1})


@dataclass(frozen=True, kw_only=True)
class Counted(MessageData):
    count: int


def count_it(message: Message, *, store: MessageStore) -> None:
    count, version = store.fetch(TALLY, COUNT)
    emit(store, message, TALLY, Counted(count=count + 1), expected_version=version)


def test_a_stale_cached_entity_is_fetched_again_and_the_write_lands(
    store: MessageStore, caplog
) -> None:
    consumer = Consumer([subscription_example(count_it)], store=store, settings=settings_example())
    store.write(message_example(1))
    consumer.run(until_idle=True)
    store.write(NewMessage(id=new_id(), stream_name=TALLY, type="Counted", data={"count": 2}))
    store.entities.put(TALLY, COUNT, 1, 0)  # this process still believes what it wrote
    store.write(message_example(2))

    handled = Consumer(
        [subscription_example(count_it)], store=store, settings=settings_example()
    ).run(until_idle=True)

    assert handled == 1
    tally = list(store.read_stream(TALLY))
    assert [m.data["count"] for m in tally] == [1, 2, 3]
    assert parked() == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # not a failure
