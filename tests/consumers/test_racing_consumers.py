"""Two catalog consumers without a group (say, started twice by mistake) race on the same
commands: expected-version writes let exactly one of them write each `Started`."""

from __future__ import annotations

import threading

from catalog import component
from catalog.messages import entity_stream
from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.catalog import controls as catalog
from tests.consumers.controls import ConsumerThread, parked, settings_example, stored

VIDEOS = [catalog.video_id_example(n) for n in range(1, 21)]


class LockstepStore(MessageStore):
    """A store whose first `fetch` of each stream waits for the other consumer's, so both act
    on the same state. (The loser's write then fails as stale, and its handler runs again with
    a fresh fetch, which does not wait: the winner has moved on.)"""

    def __init__(self, conninfo: str, barrier: threading.Barrier) -> None:
        super().__init__(conninfo, max_connections=2)
        self.barrier = barrier
        self.fetched: set[str] = set()

    def fetch(self, stream_name, projection):
        entity = super().fetch(stream_name, projection)
        if stream_name not in self.fetched:
            self.fetched.add(stream_name)
            self.barrier.wait()
        return entity


def test_one_started_per_video(store: MessageStore) -> None:
    commands = [stored(store, catalog.catalog_example(v, n=i)) for i, v in enumerate(VIDEOS)]
    barrier = threading.Barrier(2, timeout=10)
    stores = [LockstepStore(store.conninfo, barrier) for _ in range(2)]
    subscription = [s for s in component.subscriptions() if s.subscriber_id == "catalog-commands"]
    threads = [
        ConsumerThread(
            Consumer(subscription, store=racer, settings=settings_example()), until_idle=True
        )
        for racer in stores
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for racer in stores:
            racer.close()

    assert [thread.error for thread in threads] == [None, None]
    assert [thread.handled for thread in threads] == [len(commands), len(commands)]
    for video_id in VIDEOS:
        events = list(store.read_stream(entity_stream(video_id)))
        assert [e.type for e in events] == ["Started"], video_id
    assert parked() == []


def test_two_whole_catalog_consumers_send_one_transcode_each(store: MessageStore) -> None:
    for i, video_id in enumerate(VIDEOS):
        stored(store, catalog.catalog_example(video_id, n=i))
    stores = [MessageStore(store.conninfo, max_connections=2) for _ in range(2)]
    threads = [
        ConsumerThread(
            Consumer(component.subscriptions(), store=racer, settings=settings_example()),
            until_idle=True,
        )
        for racer in stores
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for racer in stores:
            racer.close()

    assert [thread.error for thread in threads] == [None, None]
    transcode_commands = store.read("transcode:command", batch_size=-1)
    assert sorted(m.stream_name for m in transcode_commands) == sorted(
        f"transcode:command-{catalog.messages.transcode_id(v)}" for v in VIDEOS
    )
    assert {m.position for m in transcode_commands} == {0}
    for video_id in VIDEOS:
        assert [e.type for e in store.read_stream(entity_stream(video_id))] == ["Started"]
    assert parked() == []
