"""`Started` -> `Transcode` to `transcode:command-{transcodeId}`, an id derived from the video,
naming the catalog stream as origin and correlation, so the reply finds its way back."""

from __future__ import annotations

from catalog.handlers import handle_started
from catalog.messages import entity_stream, transcode_id
from message_store.messages import derived_id
from message_store.store import MessageStore
from tests.catalog import controls
from tests.consumers.controls import stored
from transcode.messages import command_stream


def test_transcode_command_is_sent(store: MessageStore) -> None:
    started = stored(store, controls.started_example())

    handle_started(started, store=store)

    job_id = transcode_id(controls.VIDEO_ID)
    commands = list(store.read_stream(command_stream(job_id)))
    assert [(c.type, c.position) for c in commands] == [("Transcode", 0)]
    command = commands[0]
    assert command.data == {"transcodeId": job_id, "uri": controls.SOURCE_URI}
    origin = entity_stream(controls.VIDEO_ID)
    assert command.metadata["originStreamName"] == origin
    assert command.metadata["correlationStreamName"] == origin
    assert command.metadata["traceId"] == controls.TRACE_ID
    assert command.metadata["causationMessageStreamName"] == started.stream_name
    assert command.metadata["causationMessagePosition"] == started.position


def test_the_transcode_id_derives_from_the_video_id() -> None:
    first, again = transcode_id(controls.VIDEO_ID), transcode_id(controls.VIDEO_ID)
    other = transcode_id(controls.video_id_example(2))

    assert first == again
    assert first != other
    assert first not in (controls.VIDEO_ID, derived_id("transcribe", controls.VIDEO_ID))


def test_handled_twice_sends_one_command(store: MessageStore) -> None:
    started = stored(store, controls.started_example())

    handle_started(started, store=store)
    handle_started(started, store=store)

    commands = list(store.read_stream(command_stream(transcode_id(controls.VIDEO_ID))))
    assert len(commands) == 1


def test_ignored_once_the_video_is_transcoded(store: MessageStore) -> None:
    started = stored(store, controls.started_example())
    stored(store, controls.transcoded_example())

    handle_started(started, store=store)

    assert store.stream_version(command_stream(transcode_id(controls.VIDEO_ID))) is None
