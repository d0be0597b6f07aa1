"""The duplicate jobs the workshop's catalog starts are absorbed: each time it handles an event
it asks again, under a fresh random id (`Transcode` in `transcode:command-{random}`,
`Transcribe` in `transcribe:command-{videoId}` with a random `transcribeId`). A command that
comes from a video's stream is that video's one job (the id our catalog gives it), so the work
is done once, whoever asks first, and its files are the video's (a delete removes them)."""

from __future__ import annotations

import pytest

from catalog import messages
from tests.workshop import controls
from tests.workshop.controls import run_ours
from transcode import backend as transcode_backend
from transcribe import backend as transcribe_backend

VIDEO_ID = controls.VIDEO_ID


@pytest.fixture(autouse=True)
def simulated_media(settings, tmp_path):
    settings.SIMULATED_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def jobs_run(monkeypatch) -> list[str]:
    """The ids of the jobs our transcode and transcribe backends actually ran."""
    ran: list[str] = []
    for module, name in ((transcode_backend, "transcode"), (transcribe_backend, "transcribe")):
        real = getattr(module, name)

        def job(job_id: str, uri: str, *, real=real, **kwargs):
            ran.append(job_id)
            return real(job_id, uri, **kwargs)

        monkeypatch.setattr(module, name, job)
    return ran


def test_the_workshops_transcodes_and_ours_are_one_job(store, jobs_run):
    controls.v0_transcode(transcode_id=controls.shape_id(901), n=901).write(store)
    controls.v0_transcode(transcode_id=controls.shape_id(902), n=902).write(store)
    controls.v0_started().write(store)

    run_ours(store, "transcode", "catalog-events")

    job = messages.transcode_id(VIDEO_ID)
    assert jobs_run == [job]
    assert [(m.stream_name, m.data["transcodeId"]) for m in store.read("transcode")] == [
        (f"transcode-{job}", job)
    ]
    assert len(list(store.read("transcode:command", batch_size=-1))) == 3


def test_the_workshops_transcribes_and_ours_are_one_job(store, jobs_run):
    controls.v0_started().write(store)
    controls.v0_transcoded_copy(transcode_id=messages.transcode_id(VIDEO_ID)).write(store)
    run_ours(store, "catalog-events")
    controls.v0_transcribe(transcribe_id=controls.shape_id(903), n=903).write(store)
    controls.v0_transcribe(transcribe_id=controls.shape_id(904), n=904).write(store)

    run_ours(store, "transcribe")

    job = messages.transcribe_id(VIDEO_ID)
    assert jobs_run == [job]
    assert [(m.stream_name, m.metadata["originStreamName"]) for m in store.read("transcribe")] == [
        (f"transcribe-{job}", controls.catalog_stream())
    ]


def test_a_command_from_no_video_keeps_its_own_job(store, jobs_run):
    """Only a video's stream makes a command the video's job: others are jobs of their own."""
    other = controls.Shape(
        controls.shape_id(905),
        f"transcode:command-{controls.shape_id(906)}",
        "Transcode",
        {"transcodeId": controls.shape_id(906), "uri": controls.SOURCE_URI},
        {"originStreamName": f"thumbnails-{VIDEO_ID}"},
    )
    other.write(store)

    run_ours(store, "transcode")

    assert jobs_run == [controls.shape_id(906)]
