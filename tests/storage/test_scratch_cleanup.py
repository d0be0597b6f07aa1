"""The jobs' local files on object storage: the upload is downloaded into a scratch folder and
the results are made in another, and every one of them is gone after the job, whatever its
outcome: success, a video that cannot be decoded, a cancelled job, an exception."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.media_factory import make_spoken_clip, make_undecodable_video
from tests.object_storage import S3Bucket
from transcode import backend as transcode_backend
from transcode import files
from transcode.ffmpeg import JobCancelled, MediaError
from transcribe import backend as transcribe_backend

SOURCE = "uploads/5c000000-0000-4000-8000-000000000001/original.mp4"
JOB_ID = "5c000000-0000-4000-8000-0000000000a1"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_spoken_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", "Hello there", seconds=2)


@pytest.fixture
def scratch(monkeypatch, tmp_path: Path) -> Path:
    """Where the jobs' temporary files go in this test (tempfile's folder)."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def uploaded(s3: S3Bucket, clip: Path) -> str:
    s3.client().upload_file(str(clip), s3.name, SOURCE)
    return SOURCE


def left_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


class Watch:
    """Records the scratch folders a job made while it ran."""

    def __init__(self, monkeypatch) -> None:
        self.made: list[Path] = []
        original = files.scratch_folder.__wrapped__

        def recording(prefix: str):
            for folder in original(prefix):
                self.made.append(folder)
                yield folder

        monkeypatch.setattr(files, "scratch_folder", contextmanager(recording))


@pytest.fixture
def watch(monkeypatch) -> Watch:
    return Watch(monkeypatch)


def test_after_success(s3: S3Bucket, uploaded: str, scratch: Path, watch: Watch) -> None:
    transcode_backend.transcode(JOB_ID, uploaded)
    transcribe_backend.transcribe(JOB_ID, uploaded)

    assert [folder.name.split("-")[-2] for folder in watch.made] == [
        "source", "transcode", "source", "captions"
    ]  # fmt: skip
    assert left_in(scratch) == []
    assert f"videos/{JOB_ID}/master.m3u8" in s3.object_keys()
    assert f"captions/{JOB_ID}.vtt" in s3.object_keys()


@pytest.mark.parametrize("job", [transcode_backend.transcode, transcribe_backend.transcribe])
def test_after_a_video_that_cannot_be_decoded(
    s3: S3Bucket, scratch: Path, tmp_path: Path, watch: Watch, job
) -> None:
    s3.client().upload_file(str(make_undecodable_video(tmp_path / "bad.mp4")), s3.name, SOURCE)

    with pytest.raises(MediaError):
        job(JOB_ID, SOURCE)

    assert watch.made
    assert left_in(scratch) == []
    assert s3.object_keys() == [SOURCE]


@pytest.mark.parametrize("job", [transcode_backend.transcode, transcribe_backend.transcribe])
def test_after_a_cancelled_job(s3: S3Bucket, uploaded: str, scratch: Path, watch: Watch, job):
    cancel = threading.Event()
    cancel.set()

    with pytest.raises(JobCancelled):
        job(JOB_ID, uploaded, cancel=cancel)

    assert watch.made
    assert left_in(scratch) == []
    assert s3.object_keys() == [SOURCE]


def test_a_job_cancelled_while_downloading_stops_there(
    s3: S3Bucket, scratch: Path, watch: Watch, tmp_path: Path
) -> None:
    big = tmp_path / "big.mp4"
    big.write_bytes(os.urandom(96 * 1024 * 1024))  # not a video: reaching ffmpeg would fail
    s3.client().upload_file(str(big), s3.name, SOURCE)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()

    with pytest.raises(JobCancelled, match="downloading"):
        transcribe_backend.transcribe(JOB_ID, SOURCE, cancel=cancel)

    assert watch.made
    assert left_in(scratch) == []


def test_after_an_exception_while_storing_the_results(
    s3: S3Bucket, uploaded: str, scratch: Path, watch: Watch, monkeypatch
) -> None:
    encode = transcode_backend.transcode_to_web

    def encode_then_lose_the_bucket(*args, **kwargs):
        made = encode(*args, **kwargs)
        for key in s3.object_keys():
            s3.client().delete_object(Bucket=s3.name, Key=key)
        s3.client().delete_bucket(Bucket=s3.name)
        return made

    monkeypatch.setattr(transcode_backend, "transcode_to_web", encode_then_lose_the_bucket)

    with pytest.raises(files.StorageUnavailable, match="the bucket 'media' does not exist"):
        transcode_backend.transcode(JOB_ID, uploaded)

    assert watch.made
    assert left_in(scratch) == []


def test_what_a_killed_process_left_goes_at_the_next_start(scratch: Path) -> None:
    ended = subprocess.Popen(["true"])
    ended.wait()
    host = files._host()
    killed = scratch / f"{files.SCRATCH_PREFIX}{host}-{ended.pid}-source-abc"
    running = scratch / f"{files.SCRATCH_PREFIX}{host}-{os.getpid()}-transcode-def"
    elsewhere = scratch / f"{files.SCRATCH_PREFIX}another_host-{ended.pid}-source-ghi"
    for folder in (killed, running, elsewhere):
        (folder / "360p").mkdir(parents=True)
        (folder / "360p" / "segment0000.m4s").write_bytes(b"x")

    assert files.remove_stale_scratch() == 1

    assert left_in(scratch) == sorted([running.name, elsewhere.name])
