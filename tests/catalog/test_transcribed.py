"""The catalog's own `Transcribed` -> `Cataloged`, once."""

from __future__ import annotations

from catalog.handlers import handle_transcribed
from catalog.messages import entity_stream
from message_store.store import MessageStore
from tests.catalog import controls
from tests.consumers.controls import stored

STREAM = entity_stream(controls.VIDEO_ID)


def write_history(store: MessageStore):
    stored(store, controls.started_example())
    stored(store, controls.transcoded_example())
    return stored(store, controls.transcribed_example())


def test_cataloged_is_written(store: MessageStore) -> None:
    transcribed = write_history(store)

    handle_transcribed(transcribed, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["Started", "Transcoded", "Transcribed", "Cataloged"]
    cataloged = events[-1]
    assert cataloged.data == {"videoId": controls.VIDEO_ID}
    assert cataloged.metadata["traceId"] == controls.TRACE_ID
    assert cataloged.metadata["causationMessagePosition"] == transcribed.position


def test_handled_twice_writes_one_cataloged(store: MessageStore) -> None:
    transcribed = write_history(store)

    handle_transcribed(transcribed, store=store)
    handle_transcribed(transcribed, store=store)

    assert [e.type for e in store.read_stream(STREAM)].count("Cataloged") == 1
