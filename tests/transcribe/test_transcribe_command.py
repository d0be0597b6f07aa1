"""`Transcribe` of real speech -> `Transcribed`, with the transcript, its timed cues, the
language, and a WebVTT file holding the same cues; once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import webvtt
from django.core.files.storage import default_storage

from message_store.store import MessageStore
from tests.consumers.controls import stored
from tests.media_factory import make_spoken_clip
from tests.transcribe import controls
from transcribe.handlers import handle_transcribe
from transcribe.messages import entity_stream

STREAM = entity_stream(controls.TRANSCRIBE_ID)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("speech") / "spoken.mp4"
    return make_spoken_clip(path, controls.SENTENCE, seconds=7)


@pytest.fixture
def upload(settings, tmp_path: Path, clip: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    target = tmp_path / "media" / controls.SOURCE_URI
    target.parent.mkdir(parents=True)
    shutil.copy(clip, target)
    return target


def test_transcribed_is_written_with_transcript_and_captions(
    store: MessageStore, upload: Path
) -> None:
    command = stored(store, controls.transcribe_example())

    handle_transcribe(command, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["Transcribed"]
    transcribed = events[0]
    data = transcribed.data
    assert data["transcribeId"] == controls.TRANSCRIBE_ID
    assert data["uri"] == controls.SOURCE_URI
    assert controls.word_overlap(controls.SENTENCE, data["transcription"]) >= 0.9, data
    assert data["language"] == "en"
    segments = data["segments"]
    assert " ".join(segment["text"] for segment in segments) == data["transcription"]
    assert all(isinstance(segment["start"], float) for segment in segments)
    assert default_storage.exists(data["captionsUri"])
    with default_storage.open(data["captionsUri"], "r") as captions:
        cues = webvtt.from_string(captions.read()).captions
    assert [
        (c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000) for c in cues
    ] == [(segment["start"], segment["end"]) for segment in segments]
    assert [" ".join(c.lines) for c in cues] == [segment["text"] for segment in segments]
    assert transcribed.metadata["originStreamName"] == controls.ORIGIN
    assert transcribed.metadata["correlationStreamName"] == controls.ORIGIN
    assert transcribed.metadata["traceId"] == controls.TRACE_ID


def test_handled_twice_writes_one_event(store: MessageStore, upload: Path) -> None:
    command = stored(store, controls.transcribe_example())
    handle_transcribe(command, store=store)
    upload.unlink()  # a second recognition would now fail: only a skip keeps one event

    handle_transcribe(command, store=store)

    assert [e.type for e in store.read_stream(STREAM)] == ["Transcribed"]
