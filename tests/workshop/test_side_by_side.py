"""Side by side: our four consumer processes and the workshop's components (a double with its
writing patterns: no expected version, fresh random ids, a new job per handling) share one
store and race for the same videos, some uploaded as ours, some as the workshop writes them.
Every video ends in the view once, ready and playable; nothing crashes, nothing is parked;
the duplicate jobs the workshop starts are absorbed."""

from __future__ import annotations

import time

import pytest

from catalog import messages
from message_store.consumer import POSITION_CATEGORY, Consumer
from message_store.messages import NewMessage
from message_store.store import MessageStore
from message_store.streams import ALL, category
from tests.consumers.controls import ConsumerThread, parked, settings_example, wait_until
from tests.consumers.processes import ConsumerProcesses
from tests.workshop import controls, double
from videos.models import Video

COMPONENTS = ("catalog", "transcode", "transcribe", "videos")


def video_id(n: int) -> str:
    return f"5b000000-0000-4000-8000-{n:012d}"


def our_catalog(n: int) -> NewMessage:
    command = messages.Catalog(
        video_id=video_id(n), uri=f"uploads/{video_id(n)}/a.mp4", title="Ours"
    )
    return NewMessage(
        id=f"5bc00000-0000-4000-8000-{n:012d}",
        stream_name=messages.command_stream(video_id(n)),
        type=command.type_name,
        data=command.to_data(),
        metadata={"traceId": f"trace-{n}", "userId": "1"},
    )


def uploads() -> list[NewMessage]:
    workshop = [
        controls.v0_catalog_from_the_web(video_id(4), n=4).new_message(),
        controls.v0_catalog_from_the_web(video_id(5), n=5).new_message(),
    ]
    return [our_catalog(n) for n in (1, 2, 3)] + workshop


def settled(store: MessageStore, seconds: float = 2.0) -> bool:
    """No message but stored positions has been written for `seconds`."""
    work = [
        m for m in store.read(ALL, batch_size=-1) if category(m.stream_name) != POSITION_CATEGORY
    ]
    return bool(work) and time.time() - max(m.time.timestamp() for m in work) > seconds


@pytest.mark.slow
def test_our_components_and_the_workshops_side_by_side(
    store: MessageStore, consumer_processes: ConsumerProcesses
) -> None:
    ours = [consumer_processes.start(c, env={"SIMULATED_MEDIA": "true"}) for c in COMPONENTS]
    for process in ours:
        wait_until(
            lambda process=process: "consuming" in process.log_text(),
            timeout=60,
            what=f"{process.component} to start",
            details=consumer_processes.logs,
        )
    workshop = ConsumerThread(
        Consumer(double.subscriptions(), store=store, settings=settings_example(poll_interval=0.2))
    )
    workshop.start()
    exercise_13 = controls.v0_catalog_of_exercise_13(video_id(6), n=6)
    videos = [m.data["videoId"] for m in uploads()] + [video_id(6)]

    for message in uploads():
        store.write(message)
    exercise_13.write(store)
    duplicates = [  # the workshop's catalog handling a Started again, after a restart, say
        controls.v0_transcode(video_id(n), transcode_id=controls.shape_id(900 + n), n=900 + n)
        for n in (4, 6)
    ]
    for duplicate in duplicates:
        duplicate.write(store)

    def all_ready():
        stopped = [p.component for p in ours if not p.is_running()]
        assert not stopped, f"{stopped} died\n{consumer_processes.logs()}"
        assert workshop.error is None, workshop.error
        ready = Video.objects.filter(status=Video.Status.CATALOGED).count()
        return ready == len(videos) and settled(store)

    wait_until(
        all_ready,
        timeout=90,
        interval=0.3,
        what="every video ready",
        details=consumer_processes.logs,
    )
    workshop.stop()
    exit_codes = [p.terminate() for p in ours]

    assert exit_codes == [0] * len(COMPONENTS), consumer_processes.logs()
    assert "Traceback" not in consumer_processes.logs()
    assert parked() == []
    rows = list(Video.objects.order_by("id"))
    assert [str(row.id) for row in rows] == sorted(videos)
    for row in rows:
        assert (row.status, row.is_playable, bool(row.video_name)) == ("cataloged", True, True), row
    for duplicate in duplicates:
        job = duplicate.data["transcodeId"]
        assert store.read_last(f"transcode-{job}", "Transcoded") is not None
    for video in videos:
        stream = list(store.read_stream(messages.entity_stream(video)))
        assert stream[-1].type == "Cataloged", [m.type for m in stream]
