"""The aggregator applies a read batch and moves its tracking row in one transaction of the view
database, so a crash between applying and committing loses nothing and applies nothing twice."""

from __future__ import annotations

from contextlib import contextmanager

from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import ConsumerThread, parked, settings_example
from tests.videos import controls
from tests.videos.conftest import snapshot
from tests.videos.tracking_probe import applied_positions, probed_subscriptions
from videos import aggregator
from videos.models import Tracking
from videos.tracking import ViewTracking

VIDEOS = [f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 9)]


class Crash(BaseException):
    """The process dies (not an error a consumer could catch and retry)."""


class CrashingTracking(ViewTracking):
    """Dies once, in the `crash_at`-th batch: after its rows and its tracking row were written,
    before the commit."""

    def __init__(self, crash_at: int) -> None:
        super().__init__(handling=aggregator.applying_together)
        self.batches = 0
        self.crash_at = crash_at

    @contextmanager
    def transaction(self, subscriber_id: str):
        self.batches += 1
        with super().transaction(subscriber_id) as tracked:
            yield tracked

    def _record(self, subscriber_id: str, position: int) -> None:
        super()._record(subscriber_id, position)
        if self.batches == self.crash_at:
            raise Crash


def write_videos(store: MessageStore) -> list[int]:
    for video_id in VIDEOS:
        store.write_batch([controls.as_new(m) for m in controls.happy_path(video_id)])
    return [m.global_position for m in store.read("$all", batch_size=-1)]


def last_position(store: MessageStore, category: str) -> int:
    return store.read(category, batch_size=-1)[-1].global_position


def test_a_crash_before_the_commit_applies_nothing_twice_and_loses_nothing(
    store: MessageStore, probe
) -> None:
    positions = write_videos(store)
    settings = settings_example(batch_size=7)
    subscriptions = probed_subscriptions(CrashingTracking(crash_at=3))
    crashing = ConsumerThread(
        Consumer(subscriptions, store=store, settings=settings), until_idle=True
    )
    crashing.start()
    crashing.join(30)
    assert isinstance(crashing.error, Crash)
    before = applied_positions()
    assert 0 < len(before) < len(positions)  # the crash came half-way

    Consumer(probed_subscriptions(), store=store, settings=settings).run(until_idle=True)

    assert applied_positions() == positions
    for video_id in VIDEOS:
        assert snapshot(video_id)["status"] == "cataloged"
    tracked = dict(Tracking.objects.values_list("subscriber_id", "position"))
    assert tracked == {
        "videos-aggregator-commands": last_position(store, "catalog:command"),
        "videos-aggregator": last_position(store, "catalog"),
    }
    assert parked() == []


def test_a_restart_goes_on_from_the_tracking_row_not_the_message_store(
    store: MessageStore, probe
) -> None:
    positions = write_videos(store)
    Consumer(probed_subscriptions(), store=store, settings=settings_example()).run(until_idle=True)

    again = Consumer(probed_subscriptions(), store=store, settings=settings_example())

    assert again.run(until_idle=True) == 0
    assert applied_positions() == positions
    assert not list(store.read("subscriberPosition", batch_size=-1))
