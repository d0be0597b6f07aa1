"""`Transcode` of something that cannot be decoded, or of no file at all -> `TranscodeFailed`,
recorded as an event (the video does not hang in processing), never an exception, with a reason
a person can read: it names no file of ours or theirs."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from message_store.store import MessageStore
from tests.consumers.controls import stored
from tests.media_factory import make_not_a_video, make_undecodable_video
from tests.transcode import controls
from tests.transcode.controls import names_no_file
from transcode.backend import output_folder
from transcode.handlers import handle_transcode
from transcode.messages import entity_stream

STREAM = entity_stream(controls.TRANSCODE_ID)


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    return tmp_path / "media"


@pytest.mark.parametrize("make", [make_not_a_video, make_undecodable_video])
def test_what_cannot_be_decoded_fails(store: MessageStore, media_root: Path, make) -> None:
    make(media_root / controls.SOURCE_URI)
    command = stored(store, controls.transcode_example())

    handle_transcode(command, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["TranscodeFailed"]
    failed = events[0]
    assert failed.data["transcodeId"] == controls.TRANSCODE_ID
    assert failed.data["uri"] == controls.SOURCE_URI
    assert failed.data["reason"].startswith("not a video: the file cannot be read")
    assert names_no_file(failed.data["reason"]), failed.data["reason"]
    assert failed.metadata["originStreamName"] == controls.ORIGIN
    assert not default_storage.exists(output_folder(controls.TRANSCODE_ID))


def test_a_missing_source_fails(store: MessageStore, media_root: Path) -> None:
    command = stored(store, controls.transcode_example(uri="uploads/gone.mp4"))

    handle_transcode(command, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["TranscodeFailed"]
    assert "not found" in events[0].data["reason"]
    assert names_no_file(events[0].data["reason"])


def test_a_failed_job_is_not_retried_by_a_second_handling(
    store: MessageStore, media_root: Path
) -> None:
    command = stored(store, controls.transcode_example(uri="uploads/gone.mp4"))
    handle_transcode(command, store=store)

    handle_transcode(command, store=store)

    assert [e.type for e in store.read_stream(STREAM)] == ["TranscodeFailed"]


@pytest.mark.parametrize("source_uri", ["../outside.mp4", "/etc/passwd"])
def test_a_source_outside_the_media_folder_fails(
    store: MessageStore, media_root: Path, source_uri: str
) -> None:
    (media_root.parent / "outside.mp4").write_bytes(b"not even a video")
    command = stored(store, controls.transcode_example(uri=source_uri))

    handle_transcode(command, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["TranscodeFailed"]
    assert "not allowed" in events[0].data["reason"]
    assert names_no_file(events[0].data["reason"])
