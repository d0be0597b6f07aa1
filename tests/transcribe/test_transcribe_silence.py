"""`Transcribe` of a silent audio track -> `Transcribed` with an empty transcript, not a failure."""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import default_storage

from message_store.store import MessageStore
from tests.consumers.controls import stored
from tests.media_factory import make_silent_clip
from tests.transcribe import controls
from transcribe.handlers import handle_transcribe
from transcribe.messages import entity_stream


def test_silence_is_an_empty_transcript(store: MessageStore, settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    source = tmp_path / "media" / controls.SOURCE_URI
    source.parent.mkdir(parents=True)
    make_silent_clip(source, seconds=2)
    command = stored(store, controls.transcribe_example())

    handle_transcribe(command, store=store)

    events = list(store.read_stream(entity_stream(controls.TRANSCRIBE_ID)))
    assert [e.type for e in events] == ["Transcribed"]
    assert events[0].data["transcription"] == ""
    captions = events[0].data["captionsUri"]
    assert default_storage.exists(captions)
    with default_storage.open(captions, "r") as file:
        assert file.read().strip() == "WEBVTT"
