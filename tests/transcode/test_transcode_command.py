"""`Transcode` of a real clip -> `Transcoded`, with the HLS ladder, the MP4 and the poster in
storage under `videos/{transcodeId}/`; once; a rerun after a killed attempt starts clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from message_store.store import MessageStore
from tests.consumers.controls import stored
from tests.media_factory import make_spoken_clip
from tests.transcode import controls
from tests.transcode.decoding import decode_errors
from transcode.backend import output_folder
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
    folder = output_folder(controls.TRANSCODE_ID)
    assert data["playlistUri"] == f"{folder}/master.m3u8"
    assert data["transcodedUri"] == f"{folder}/web.mp4"
    assert data["posterUri"] == f"{folder}/poster.jpg"
    assert default_storage.size(data["posterUri"]) > 0
    assert data["renditions"] == [
        {
            "width": 426,
            "height": 240,
            "bandwidth": data["renditions"][0]["bandwidth"],
            "playlistUri": f"{folder}/240p/index.m3u8",
        },
        {
            "width": 640,
            "height": 360,
            "bandwidth": data["renditions"][1]["bandwidth"],
            "playlistUri": f"{folder}/360p/index.m3u8",
        },
    ]
    assert 0 < data["renditions"][0]["bandwidth"] < data["renditions"][1]["bandwidth"]
    for name in (data["playlistUri"], data["transcodedUri"], data["renditions"][1]["playlistUri"]):
        assert decode_errors(Path(default_storage.path(name))) == "", name
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


def test_a_rerun_after_a_killed_attempt_starts_clean(store: MessageStore, upload: Path) -> None:
    folder = Path(default_storage.path(output_folder(controls.TRANSCODE_ID)))
    (folder / "720p").mkdir(parents=True)
    (folder / "720p" / "segment0009.m4s").write_bytes(b"left by a killed attempt")
    (folder / "master.m3u8").write_text("#EXTM3U\nhalf written")
    command = stored(store, controls.transcode_example())

    handle_transcode(command, store=store)

    assert not (folder / "720p").exists()
    assert "half written" not in (folder / "master.m3u8").read_text()
    assert sorted(p.name for p in folder.iterdir()) == [
        "240p",
        "360p",
        "master.m3u8",
        "poster.jpg",
        "web.mp4",
    ]
