"""`Transcribe` of a video without speech -> `Transcribed` with an empty transcript and no cues,
not a failure: no audio track, digital silence, or music without words."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from message_store.store import MessageStore
from tests.consumers.controls import stored
from tests.media_factory import make_music_clip, make_silent_clip, make_video_without_audio
from tests.transcribe import controls
from transcribe.handlers import handle_transcribe
from transcribe.messages import entity_stream


@pytest.mark.parametrize(
    "make",
    [
        lambda path: make_video_without_audio(path, seconds=1),
        lambda path: make_silent_clip(path, seconds=2),
        lambda path: make_music_clip(path, seconds=4),
    ],
    ids=["no audio track", "silent audio", "music without words"],
)
def test_no_speech_is_an_empty_transcript(
    store: MessageStore, settings, tmp_path: Path, make
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    source = tmp_path / "media" / controls.SOURCE_URI
    source.parent.mkdir(parents=True)
    make(source)
    command = stored(store, controls.transcribe_example())

    handle_transcribe(command, store=store)

    events = list(store.read_stream(entity_stream(controls.TRANSCRIBE_ID)))
    assert [e.type for e in events] == ["Transcribed"]
    assert events[0].data["transcription"] == ""
    assert events[0].data["segments"] == []
    assert events[0].data["language"] == "en"
    captions = events[0].data["captionsUri"]
    with default_storage.open(captions, "r") as file:
        assert file.read().strip() == "WEBVTT"
