"""The catalog's own `Transcoded` -> `Transcribe` of the web video, once."""

from __future__ import annotations

from catalog.handlers import handle_transcoded
from catalog.messages import entity_stream, transcribe_id
from message_store.store import MessageStore
from tests.catalog import controls
from tests.consumers.controls import stored
from transcribe.messages import command_stream


def test_transcribe_command_is_sent(store: MessageStore) -> None:
    stored(store, controls.started_example())
    transcoded = stored(store, controls.transcoded_example())

    handle_transcoded(transcoded, store=store)

    job_id = transcribe_id(controls.VIDEO_ID)
    commands = list(store.read_stream(command_stream(job_id)))
    assert [(c.type, c.position) for c in commands] == [("Transcribe", 0)]
    command = commands[0]
    assert command.data == {"transcribeId": job_id, "uri": controls.SOURCE_URI}
    origin = entity_stream(controls.VIDEO_ID)
    assert command.metadata["originStreamName"] == origin
    assert command.metadata["correlationStreamName"] == origin
    assert command.metadata["traceId"] == controls.TRACE_ID


def test_handled_twice_sends_one_command(store: MessageStore) -> None:
    stored(store, controls.started_example())
    transcoded = stored(store, controls.transcoded_example())

    handle_transcoded(transcoded, store=store)
    handle_transcoded(transcoded, store=store)

    assert len(list(store.read_stream(command_stream(transcribe_id(controls.VIDEO_ID))))) == 1


def test_ignored_once_the_video_is_transcribed(store: MessageStore) -> None:
    stored(store, controls.started_example())
    transcoded = stored(store, controls.transcoded_example())
    stored(store, controls.transcribed_example())

    handle_transcoded(transcoded, store=store)

    assert store.stream_version(command_stream(transcribe_id(controls.VIDEO_ID))) is None
