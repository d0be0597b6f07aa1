"""Two aggregator processes racing on the same subscriber: the tracking row serializes their
batches, so every message is applied exactly once and the rows come out right."""

from __future__ import annotations

import threading

from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import ConsumerThread, parked, settings_example
from tests.videos import controls
from tests.videos.conftest import snapshot
from tests.videos.tracking_probe import applied_positions, probed_subscriptions
from videos.component import subscriptions

VIDEOS = [f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 31)]


class StartTogether(MessageStore):
    """Both racers' first reads wait for each other, so that they read the same batches."""

    def __init__(self, conninfo: str, barrier: threading.Barrier) -> None:
        super().__init__(conninfo, max_connections=2)
        self.barrier = barrier
        self.waited = False

    def read(self, name, **kwargs):
        if not self.waited:
            self.waited = True
            self.barrier.wait()
        return super().read(name, **kwargs)


def race(store: MessageStore, make_subscriptions) -> list[ConsumerThread]:
    barrier = threading.Barrier(2, timeout=10)
    stores = [StartTogether(store.conninfo, barrier) for _ in range(2)]
    racers = [
        ConsumerThread(
            Consumer(make_subscriptions(), store=racer, settings=settings_example(batch_size=9)),
            until_idle=True,
        )
        for racer in stores
    ]
    try:
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(60)
    finally:
        for racer_store in stores:
            racer_store.close()
    return racers


def write_videos(store: MessageStore) -> list[int]:
    for video_id in VIDEOS:
        store.write_batch([controls.as_new(m) for m in controls.happy_path(video_id)])
    return [m.global_position for m in store.read("$all", batch_size=-1)]


def test_racing_aggregators_apply_every_message_once(store: MessageStore, probe) -> None:
    positions = write_videos(store)

    racers = race(store, probed_subscriptions)

    assert [racer.error for racer in racers] == [None, None]
    assert applied_positions() == positions
    assert sum(racer.handled for racer in racers) == len(positions)
    assert parked() == []


def test_racing_aggregators_agree_on_the_rows(store: MessageStore) -> None:
    write_videos(store)

    racers = race(store, subscriptions)

    assert [racer.error for racer in racers] == [None, None]
    for video_id in VIDEOS:
        row = snapshot(video_id)
        assert row["status"] == "cataloged"
        assert row["transcript"] == controls.TRANSCRIPT
