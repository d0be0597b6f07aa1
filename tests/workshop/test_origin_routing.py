"""Replies find their way back to the catalog whether they name it in `correlationStreamName`
(ours) or only in `originStreamName` (the workshop's), and the catalog's reply subscriptions
never stall: the database filters, and the stored position passes every foreign reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from catalog import component
from catalog.messages import entity_stream
from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import last_position, parked, settings_example
from tests.workshop import controls

SUBSCRIBERS = {"transcode": "catalog-transcode-events", "transcribe": "catalog-transcribe-events"}


def subscription(subscriber_id: str):
    return next(s for s in component.subscriptions() if s.subscriber_id == subscriber_id)


@dataclass
class CountingStore:
    """The store, counting what the filtered reads asked for and what they brought back."""

    store: MessageStore
    reads: list[int] = field(default_factory=list)
    rows: int = 0

    def read_filtered(self, category: str, **kwargs: Any):
        self.reads.append(kwargs["position"])
        batch, reached = self.store.read_filtered(category, **kwargs)
        self.rows += len(batch)
        return batch, reached

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@pytest.mark.parametrize(
    ("job", "reply", "copy_type"),
    [
        ("transcode", controls.v0_transcoded, "Transcoded"),
        ("transcribe", controls.v0_transcribed, "Transcribed"),
    ],
)
def test_an_origin_only_reply_is_handled(store: MessageStore, job, reply, copy_type):
    controls.v0_started().write(store)
    written = reply().write(store)

    handled = Consumer(
        [subscription(SUBSCRIBERS[job])], store=store, settings=settings_example()
    ).run(until_idle=True)

    assert handled == 1
    events = list(store.read_stream(entity_stream(controls.VIDEO_ID)))
    assert [e.type for e in events] == ["Started", copy_type]
    assert events[-1].metadata["causationMessageGlobalPosition"] == written.global_position
    assert last_position(store, SUBSCRIBERS[job]) == written.global_position


def foreign_reply(n: int) -> controls.Shape:
    """Replies to others: the workshop's shape to another origin, ours to another correlation,
    and one with no metadata at all."""
    other = f"thumbnails-{controls.shape_id(1000 + n)}"
    metadata = [
        {"traceId": "t", "originStreamName": other},
        {"originStreamName": other, "correlationStreamName": other},
        None,
    ][n % 3]
    shape = controls.v0_transcoded(transcode_id=controls.shape_id(2000 + n), n=3000 + n)
    return controls.Shape(shape.id, shape.stream_name, shape.type, shape.data, metadata)


def test_500_foreign_replies_are_skipped_in_the_database_without_rescans(store: MessageStore):
    controls.v0_started().write(store)
    store.write_batch([foreign_reply(n).new_message() for n in range(250)])
    ours = controls.v0_transcoded().write(store)
    store.write_batch([foreign_reply(n).new_message() for n in range(250, 500)])
    foreign = [m for m in store.read("transcode", batch_size=-1) if m.id != ours.id]
    assert len(foreign) == 500
    counting = CountingStore(store)
    settings = settings_example(batch_size=100)
    subscriber = SUBSCRIBERS["transcode"]

    handled = Consumer([subscription(subscriber)], store=counting, settings=settings).run(
        until_idle=True
    )

    assert handled == 1
    assert counting.rows == 1, "foreign replies travelled to the consumer"
    assert counting.reads == [1, foreign[-1].global_position + 1]
    assert last_position(store, subscriber) == foreign[-1].global_position
    assert [e.type for e in store.read_stream(entity_stream(controls.VIDEO_ID))] == [
        "Started",
        "Transcoded",
    ]
    assert ours.global_position < foreign[-1].global_position
    assert parked() == []

    restarted = CountingStore(store)
    Consumer([subscription(subscriber)], store=restarted, settings=settings).run(until_idle=True)

    assert (restarted.reads, restarted.rows) == ([foreign[-1].global_position + 1], 0)
