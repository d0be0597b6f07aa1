"""A rebuild while the aggregator runs and videos keep arriving: the two never deadlock, and the
rows end up as the store says, every video at its last step."""

from __future__ import annotations

from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import ConsumerThread, settings_example, wait_until
from tests.videos import controls
from tests.videos.conftest import snapshot
from videos.component import subscriptions
from videos.models import Tracking, Video
from videos.rebuild import rebuild_videos

ROUNDS = 4
VIDEOS_PER_ROUND = 15


def video_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def tracked() -> dict[str, int]:
    return dict(Tracking.objects.values_list("subscriber_id", "position"))


def test_rebuilding_while_the_aggregator_runs(store: MessageStore) -> None:
    settings = settings_example(batch_size=10, poll_interval=0.1)
    aggregator = ConsumerThread(Consumer(subscriptions(), store=store, settings=settings))
    aggregator.start()
    written = 0
    try:
        for _ in range(ROUNDS):
            for _ in range(VIDEOS_PER_ROUND):
                written += 1
                path = controls.happy_path(video_id(written))
                store.write_batch([controls.as_new(message) for message in path])
            rebuild_videos(store=store, batch_size=7)
        last = {
            f"videos-aggregator{suffix}": store.read(category, batch_size=-1)[-1].global_position
            for suffix, category in (("-commands", "catalog:command"), ("", "catalog"))
        }
        wait_until(
            lambda: all(tracked().get(sub, 0) >= position for sub, position in last.items()),
            timeout=30,
            what="the aggregator to catch up",
            details=lambda: f"{last} {tracked()} {aggregator.error!r}",
        )
    finally:
        aggregator.stop()
    assert aggregator.error is None
    assert Video.objects.count() == written
    for n in range(1, written + 1):
        row = snapshot(video_id(n))
        assert (row["status"], row["transcript"]) == ("cataloged", controls.TRANSCRIPT), n
