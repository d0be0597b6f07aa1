"""The workshop's transcode and transcribe answer our commands too, beside ours, at once and
with nothing real: a YouTube URL for every transcode, a fixed text and no captions for every
transcription. Neither finishes our job: ours still does the work, once, and records its outcome
after theirs, and only ours becomes the video's result."""

from __future__ import annotations

import pytest

from catalog import messages
from message_store.messages import NewMessage
from message_store.store import MessageStore
from tests.consumers.controls import parked
from tests.workshop import controls
from tests.workshop.controls import run_ours
from tests.workshop.double import TRANSCRIPTION, YOUTUBE_URI, Workshop
from transcode import backend as transcode_backend
from transcribe import backend as transcribe_backend
from videos.models import Video

VIDEO_ID = "bf000000-0000-4000-8000-000000000001"
TRANSCODE_ID = messages.transcode_id(VIDEO_ID)
TRANSCRIBE_ID = messages.transcribe_id(VIDEO_ID)
ORIGIN = f"catalog-{VIDEO_ID}"
OUR_METADATA = {"traceId": "t", "originStreamName": ORIGIN, "correlationStreamName": ORIGIN}
SOURCE = f"uploads/{VIDEO_ID}/original.mp4"


@pytest.fixture(autouse=True)
def simulated_media(settings, tmp_path):
    settings.SIMULATED_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")


def our_command(kind: str, job_id: str, n: int) -> NewMessage:
    return NewMessage(
        id=controls.shape_id(n),
        stream_name=f"{kind}:command-{job_id}",
        type=kind.capitalize(),
        data={f"{kind}Id": job_id, "uri": SOURCE},
        metadata=OUR_METADATA,
    )


def the_workshop_answers(store: MessageStore, *kinds: str) -> None:
    """The workshop's transcode and transcribe handle every command there is, once."""
    workshop = Workshop()
    for subscription in workshop.subscriptions():
        if subscription.stream_name in {f"{kind}:command" for kind in kinds}:
            subscription.tick(store, workshop.errors)
    assert workshop.errors == []


def outcomes(store: MessageStore, stream: str) -> list[tuple[str, str | None]]:
    return [
        (m.type, m.data.get("transcodedUri") or m.data.get("captionsUri"))
        for m in store.read_stream(stream)
    ]


def counting(monkeypatch, module, name: str, before=None) -> list[str]:
    """Count the calls of a backend's job (and run `before` first, as if during the work)."""
    calls: list[str] = []
    real = getattr(module, name)

    def job(job_id: str, uri: str, **kwargs):
        calls.append(job_id)
        if before is not None:
            before()
        return real(job_id, uri, **kwargs)

    monkeypatch.setattr(module, name, job)
    return calls


def test_our_transcode_works_after_the_workshops_youtube_answer(store, monkeypatch):
    store.write(our_command("transcode", TRANSCODE_ID, 1))
    the_workshop_answers(store, "transcode")
    calls = counting(monkeypatch, transcode_backend, "transcode")

    run_ours(store, "transcode")

    assert calls == [TRANSCODE_ID]
    assert outcomes(store, f"transcode-{TRANSCODE_ID}") == [
        ("Transcoded", YOUTUBE_URI),
        ("Transcoded", f"videos/{TRANSCODE_ID}/web.mp4"),
    ]


def test_an_answer_that_lands_while_our_job_works_costs_no_second_run(store, monkeypatch):
    """Our write loses on its expected version: the stream is read again, the answer is not an
    outcome, so ours is written after it without doing the work again."""
    store.write(our_command("transcode", TRANSCODE_ID, 1))
    calls = counting(
        monkeypatch,
        transcode_backend,
        "transcode",
        before=lambda: the_workshop_answers(store, "transcode"),
    )

    run_ours(store, "transcode")

    assert calls == [TRANSCODE_ID]
    assert [uri for _, uri in outcomes(store, f"transcode-{TRANSCODE_ID}")] == [
        YOUTUBE_URI,
        f"videos/{TRANSCODE_ID}/web.mp4",
    ]
    assert parked() == []


def test_our_transcribe_works_after_the_workshops_fixed_text(store, monkeypatch):
    store.write(our_command("transcribe", TRANSCRIBE_ID, 2))
    the_workshop_answers(store, "transcribe")
    calls = counting(monkeypatch, transcribe_backend, "transcribe")

    run_ours(store, "transcribe")

    assert calls == [TRANSCRIBE_ID]
    stream = list(store.read_stream(f"transcribe-{TRANSCRIBE_ID}"))
    assert [(m.data["transcription"], m.data.get("captionsUri")) for m in stream] == [
        (TRANSCRIPTION, None),
        ("simulated transcript", f"captions/{TRANSCRIBE_ID}.vtt"),
    ]


def test_a_finished_job_is_not_run_again_by_a_later_workshop_answer(store, monkeypatch):
    store.write(our_command("transcode", TRANSCODE_ID, 1))
    run_ours(store, "transcode")
    the_workshop_answers(store, "transcode")  # its answer comes second: nothing to do
    calls = counting(monkeypatch, transcode_backend, "transcode")
    store.write(our_command("transcode", TRANSCODE_ID, 3))  # a duplicate command

    run_ours(store, "transcode")

    assert calls == []


def test_the_catalog_never_copies_a_youtube_answer(store):
    controls.v0_started(VIDEO_ID).write(store)
    controls.v0_transcoded(VIDEO_ID, transcoded_uri=YOUTUBE_URI).write(store)

    run_ours(store, "catalog-transcode-events")

    assert [m.type for m in store.read_stream(ORIGIN)] == ["Started"]
    assert parked() == []


def test_a_youtube_copy_in_the_videos_stream_is_no_transcode_of_the_video(store):
    """The workshop's catalog copies its transcode's answer into the video's stream: our catalog
    starts no transcription from it, and the view shows no file for it."""
    controls.v0_started(VIDEO_ID).write(store)
    controls.v0_transcoded_copy(VIDEO_ID, transcoded_uri=YOUTUBE_URI).write(store)

    run_ours(store, "catalog-events", "videos-aggregator")

    assert list(store.read("transcribe:command", batch_size=-1)) == []
    started = [m for m in store.read("transcode:command", batch_size=-1)]
    assert [m.stream_name for m in started] == [f"transcode:command-{TRANSCODE_ID}"]
    row = Video.objects.get(pk=VIDEO_ID)
    assert (row.status, row.video_name, row.is_playable) == ("started", "", False)
    assert parked() == []
