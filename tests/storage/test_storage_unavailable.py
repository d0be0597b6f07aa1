"""A missing or unreachable bucket is a clear error, never a lost video: a consumer refuses to
start with one line saying which bucket or endpoint; a job caught by an outage waits and runs
when the storage is back (nothing parked, no `TranscodeFailed`)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from message_store.store import MessageStore
from tests.consumers.controls import parked, wait_until
from tests.consumers.processes import BASE_DIR, ConsumerProcesses
from tests.media_factory import make_spoken_clip
from tests.object_storage import S3Bucket
from tests.transcode import controls
from transcode.messages import entity_stream

pytestmark = pytest.mark.django_db(transaction=True)


def consume(component: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "consume", component, "--until-idle"],
        cwd=BASE_DIR,
        env={**env, "SIMULATED_MEDIA": "false"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("component", ["catalog", "transcode", "transcribe"])
def test_a_missing_bucket_stops_the_start_in_one_line(store_env, s3: S3Bucket, component) -> None:
    done = consume(component, {**store_env, **s3.env, "AWS_STORAGE_BUCKET_NAME": "no-such"})

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line == (
        "CommandError: media storage unavailable: the bucket 'no-such' does not exist "
        f"(AWS_STORAGE_BUCKET_NAME=no-such, AWS_S3_ENDPOINT_URL={s3.endpoint_url})"
    )


def test_an_unreachable_endpoint_stops_the_start_in_one_line(store_env, s3: S3Bucket) -> None:
    done = consume(
        "transcode", {**store_env, **s3.env, "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:1"}
    )

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("CommandError: media storage unavailable: Could not connect")
    assert "AWS_S3_ENDPOINT_URL=http://127.0.0.1:1" in line


@pytest.fixture
def processes(store_env, s3: S3Bucket, tmp_path: Path) -> Iterator[ConsumerProcesses]:
    started = ConsumerProcesses({**store_env, **s3.env, "SIMULATED_MEDIA": "false"}, tmp_path)
    yield started
    started.close()


@pytest.mark.slow
def test_a_job_caught_by_an_outage_runs_when_the_bucket_is_back(
    store: MessageStore, s3: S3Bucket, processes: ConsumerProcesses, tmp_path: Path
) -> None:
    clip = make_spoken_clip(tmp_path / "clip.mp4", "Open the door please", seconds=2)
    transcode = processes.start("transcode")
    wait_until(lambda: "consuming transcode" in transcode.log_text(), timeout=60, what="start")
    s3.client().delete_bucket(Bucket=s3.name)

    store.write(controls.transcode_example())
    wait_until(
        lambda: (
            "media storage unavailable: the bucket 'media' does not exist; retrying"
            in transcode.log_text()
        ),
        timeout=30,
        what="the outage said (once: the retries back off in silence)",
        details=processes.logs,
    )
    time.sleep(1.5)  # a few retries
    assert transcode.log_text().count("the bucket 'media' does not exist") == 1
    assert "database unavailable" not in transcode.log_text()
    assert list(store.read_stream(entity_stream(controls.TRANSCODE_ID))) == []
    assert parked() == []

    s3.client().create_bucket(Bucket=s3.name)
    s3.client().upload_file(str(clip), s3.name, controls.SOURCE_URI)
    started = time.monotonic()
    wait_until(
        lambda: store.read_last(entity_stream(controls.TRANSCODE_ID)),
        timeout=90,
        what="Transcoded",
        details=processes.logs,
    )

    [event] = store.read_stream(entity_stream(controls.TRANSCODE_ID))
    assert event.type == "Transcoded", event.data
    assert f"videos/{controls.TRANSCODE_ID}/web.mp4" in s3.object_keys()
    assert parked() == []
    assert transcode.terminate() == 0
    assert time.monotonic() - started < 60
