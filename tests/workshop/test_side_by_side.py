"""Side by side: our four consumer processes and the workshop's components (the double of its
Node process: no expected version, fresh random ids, a new job per handling, a YouTube URL for
every transcode and a fixed text for every transcription) share one store and race for the
same videos, some uploaded as ours, some as the workshop writes them.

Every video ends in our view once, Ready, with our files and our transcript (the workshop's
answers are never a video's result); titles and owners survive its `Started`; the duplicate
jobs it starts are absorbed (one job per video); nothing of ours crashes or parks, and none of
its subscriptions stops."""

from __future__ import annotations

import time

import pytest

from catalog import messages
from message_store.consumer import POSITION_CATEGORY
from message_store.messages import NewMessage
from message_store.store import MessageStore
from message_store.streams import ALL, category
from tests.consumers.controls import parked, wait_until
from tests.consumers.processes import ConsumerProcesses
from tests.workshop import controls
from tests.workshop.double import TRANSCRIPTION, YOUTUBE_URI, Workshop, WorkshopProcess
from videos.models import Video

COMPONENTS = ("catalog", "transcode", "transcribe", "videos")


def video_id(n: int) -> str:
    return f"5b000000-0000-4000-8000-{n:012d}"


def our_catalog(n: int, owner: int) -> NewMessage:
    command = messages.Catalog(
        video_id=video_id(n),
        uri=f"uploads/{video_id(n)}/a.mp4",
        title=f"Ours {n}",
        description="Our words",
        visibility=messages.UNLISTED,
    )
    return NewMessage(
        id=f"5bc00000-0000-4000-8000-{n:012d}",
        stream_name=messages.command_stream(video_id(n)),
        type=command.type_name,
        data=command.to_data(),
        metadata={"traceId": f"trace-{n}", "userId": str(owner)},
    )


def settled(store: MessageStore, seconds: float = 2.0) -> bool:
    """No message but stored positions has been written for `seconds`."""
    work = [
        m for m in store.read(ALL, batch_size=-1) if category(m.stream_name) != POSITION_CATEGORY
    ]
    return bool(work) and time.time() - max(m.time.timestamp() for m in work) > seconds


@pytest.mark.slow
def test_our_components_and_the_workshops_side_by_side(
    store: MessageStore, consumer_processes: ConsumerProcesses, django_user_model
) -> None:
    owner = django_user_model.objects.create_user("owner", password="a-long-password-1").pk
    ours = [consumer_processes.start(c, env={"SIMULATED_MEDIA": "true"}) for c in COMPONENTS]
    for process in ours:
        wait_until(
            lambda process=process: "consuming" in process.log_text(),
            timeout=60,
            what=f"{process.component} to start",
            details=consumer_processes.logs,
        )
    workshop = Workshop()
    theirs = WorkshopProcess(workshop, store)
    theirs.start()
    workshop_shaped = [controls.v0_catalog_from_the_web(video_id(n), n=n) for n in (4, 5)]
    store.write_batch([our_catalog(n, owner) for n in (1, 2, 3)])
    for shape in [*workshop_shaped, controls.v0_catalog_of_exercise_13(video_id(6), n=6)]:
        shape.write(store)
    for n in (4, 6):  # the workshop's catalog handling a Started again, after a restart, say
        controls.v0_transcode(
            video_id(n), transcode_id=controls.shape_id(900 + n), n=900 + n
        ).write(store)
    videos = [video_id(n) for n in range(1, 7)]

    def all_ready():
        stopped = [p.component for p in ours if not p.is_running()]
        assert not stopped, f"{stopped} died\n{consumer_processes.logs()}"
        assert workshop.errors == []
        ready = Video.objects.filter(status=Video.Status.CATALOGED).count()
        return ready == len(videos) and len(workshop.videos) == len(videos) and settled(store)

    wait_until(
        all_ready,
        timeout=90,
        interval=0.3,
        what="every video ready",
        details=consumer_processes.logs,
    )
    theirs.stop()
    exit_codes = [p.terminate() for p in ours]

    assert exit_codes == [0] * len(COMPONENTS), consumer_processes.logs()
    assert "Traceback" not in consumer_processes.logs()
    assert parked() == []
    assert workshop.errors == []
    rows = {str(row.id): row for row in Video.objects.all()}
    assert sorted(rows) == videos
    for video, row in rows.items():
        job = messages.transcode_id(video)
        assert (row.status, row.video_name) == ("cataloged", f"videos/{job}/web.mp4"), row
        assert (row.transcript, row.captions_name) == (
            "simulated transcript",
            f"captions/{messages.transcribe_id(video)}.vtt",
        ), row
        assert all((row.playlist_name, row.renditions, row.poster_name)), row
    for n in (1, 2, 3):
        row = rows[video_id(n)]
        assert (row.title, row.owner_id, row.description, row.visibility) == (
            f"Ours {n}",
            owner,
            "Our words",
            "unlisted",
        )
    assert rows[video_id(6)].title == controls.NAME
    for video in videos:
        jobs = {
            m.stream_name
            for name in ("transcode", "transcribe")
            for m in store.read(name, batch_size=-1)
            if m.metadata.get("originStreamName") == f"catalog-{video}"
            and m.type.endswith("ed")
            and m.data.get("transcodedUri") != YOUTUBE_URI
            and m.data.get("transcription") != TRANSCRIPTION
        }
        assert jobs == {
            f"transcode-{messages.transcode_id(video)}",
            f"transcribe-{messages.transcribe_id(video)}",
        }, "one job of ours per video"
        stream = list(store.read_stream(messages.entity_stream(video)))
        assert stream[-1].type in ("Cataloged", "Transcribed"), [m.type for m in stream]
