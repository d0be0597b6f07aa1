"""The aggregator as a healing group (`consume videos --group-size 2`): its slots keep their
positions in the view database's tracking rows, so a member killed with SIGKILL leaves nothing
half-applied, the survivor resumes each of its slots from that slot's row, and every video comes
out right."""

from __future__ import annotations

import pytest

from message_store.store import MessageStore
from tests.consumers.controls import last_position, parked, wait_until
from tests.consumers.groups import shares
from tests.consumers.processes import ConsumerProcesses
from tests.videos import controls
from videos.models import Tracking, Video

VIDEOS = [f"0a000000-0000-4000-8000-{n:012d}" for n in range(1, 41)]
SUBSCRIBERS = [
    f"{base}+{member}of2"
    for base in ("videos-aggregator-commands", "videos-aggregator")
    for member in range(2)
]


def write_videos(store: MessageStore, video_ids: list[str]) -> None:
    for video_id in video_ids:
        store.write_batch([controls.as_new(m) for m in controls.happy_path(video_id)])


def cataloged() -> int:
    return Video.objects.filter(status=Video.Status.CATALOGED).count()


@pytest.mark.slow
def test_a_killed_member_s_slots_resume_from_their_tracking_rows(
    store: MessageStore, consumer_processes: ConsumerProcesses
) -> None:
    group = ("--group-size", "2", "--batch-size", "5")
    first = consumer_processes.start("videos", *group)
    second = consumer_processes.start("videos", *group)
    wait_until(
        lambda: shares(store, 2, "videos") == [1, 1],
        timeout=30,
        what="one slot each",
        details=consumer_processes.logs,
    )
    write_videos(store, VIDEOS[:20])
    wait_until(lambda: cataloged() >= 5, timeout=60, details=consumer_processes.logs)

    first.kill()
    write_videos(store, VIDEOS[20:])

    wait_until(
        lambda: cataloged() == len(VIDEOS),
        timeout=60,
        what="every video cataloged",
        details=consumer_processes.logs,
    )
    for video_id in VIDEOS:
        row = Video.objects.get(pk=video_id)
        assert row.transcript == controls.TRANSCRIPT
    assert parked() == []
    assert second.terminate() == 0, consumer_processes.logs()
    assert "Traceback" not in second.log_text()
    last = {
        category: max(m.global_position for m in store.read(category, batch_size=-1))
        for category in ("catalog:command", "catalog")
    }
    positions = dict(Tracking.objects.values_list("subscriber_id", "position"))
    for subscriber_id in SUBSCRIBERS:
        category = "catalog:command" if "commands" in subscriber_id else "catalog"
        assert positions[subscriber_id] >= last[category], subscriber_id
        assert last_position(store, subscriber_id) is None  # not as `Read` events
