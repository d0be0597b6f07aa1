"""`Transcode` of a real clip -> `Transcoded`, with a web MP4 and a poster in storage; once."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from message_store.store import MessageStore
from tests.consumers.controls import stored
from tests.media_factory import make_spoken_clip
from tests.transcode import controls
from transcode.ffmpeg import ffmpeg_exe
from transcode.handlers import handle_transcode
from transcode.messages import entity_stream

STREAM = entity_stream(controls.TRANSCODE_ID)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_spoken_clip(
        tmp_path_factory.mktemp("clip") / "clip.mp4", "Open the door please", seconds=3
    )


@pytest.fixture
def upload(settings, tmp_path: Path, clip: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    target = tmp_path / "media" / controls.SOURCE_URI
    target.parent.mkdir(parents=True)
    shutil.copy(clip, target)
    return target


def decode_errors(path: Path) -> str:
    """ffmpeg's complaints while decoding every frame (empty for a sound file)."""
    completed = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return completed.stderr if completed.returncode == 0 else f"exit {completed.returncode}"


def test_transcoded_is_written_with_the_files(store: MessageStore, upload: Path) -> None:
    command = stored(store, controls.transcode_example())

    handle_transcode(command, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["Transcoded"]
    transcoded = events[0]
    data = transcoded.data
    assert data["transcodeId"] == controls.TRANSCODE_ID
    assert data["uri"] == controls.SOURCE_URI
    assert (data["width"], data["height"]) == (640, 360)
    assert data["durationSeconds"] == pytest.approx(3.0, abs=0.2)
    assert default_storage.exists(data["transcodedUri"])
    assert default_storage.exists(data["posterUri"])
    assert default_storage.size(data["posterUri"]) > 0
    assert data["transcodedUri"] != controls.SOURCE_URI
    assert decode_errors(Path(default_storage.path(data["transcodedUri"]))) == ""
    assert transcoded.metadata["originStreamName"] == controls.ORIGIN
    assert transcoded.metadata["correlationStreamName"] == controls.ORIGIN
    assert transcoded.metadata["traceId"] == controls.TRACE_ID


def test_handled_twice_writes_one_event(store: MessageStore, upload: Path) -> None:
    command = stored(store, controls.transcode_example())
    handle_transcode(command, store=store)
    video = Path(default_storage.path(next(store.read_stream(STREAM)).data["transcodedUri"]))
    first_write = video.stat().st_mtime_ns

    handle_transcode(command, store=store)

    assert [e.type for e in store.read_stream(STREAM)] == ["Transcoded"]
    assert video.stat().st_mtime_ns == first_write
