"""`Transcribe` of a file that cannot be decoded (or of no file) -> `TranscribeFailed`, with a
reason a person can read (it names no file); never an exception, never an endless retry."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from message_store.store import MessageStore
from tests.consumers.controls import stored
from tests.media_factory import make_not_a_video, make_undecodable_video
from tests.transcode.controls import names_no_file
from tests.transcribe import controls
from transcribe.backend import captions_name
from transcribe.handlers import handle_transcribe
from transcribe.messages import entity_stream

STREAM = entity_stream(controls.TRANSCRIBE_ID)


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.mark.parametrize("make", [make_undecodable_video, make_not_a_video])
def test_what_cannot_be_decoded_fails(store: MessageStore, media_root: Path, make) -> None:
    source = media_root / controls.SOURCE_URI
    source.parent.mkdir(parents=True)
    make(source)
    command = stored(store, controls.transcribe_example())

    handle_transcribe(command, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["TranscribeFailed"]
    failed = events[0]
    assert failed.data["transcribeId"] == controls.TRANSCRIBE_ID
    assert failed.data["uri"] == controls.SOURCE_URI
    assert failed.data["reason"].startswith("not a video: the file cannot be read")
    assert names_no_file(failed.data["reason"]), failed.data["reason"]
    assert failed.metadata["originStreamName"] == controls.ORIGIN
    assert not default_storage.exists(captions_name(controls.TRANSCRIBE_ID))


def test_a_missing_file_fails(store: MessageStore, media_root: Path) -> None:
    command = stored(store, controls.transcribe_example(uri="videos/gone/web.mp4"))

    handle_transcribe(command, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["TranscribeFailed"]
    assert "not found" in events[0].data["reason"]
    assert names_no_file(events[0].data["reason"])
