"""The aggregator whose view-database connection is cut (a restart, a failover) reconnects and
goes on from its tracking rows: nothing lost, nothing applied twice."""

from __future__ import annotations

from django.db import connection

from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import ConsumerThread, parked, settings_example, wait_until
from tests.videos import controls
from tests.videos.tracking_probe import applied_positions, probed_subscriptions
from videos.models import Video

FIRST, SECOND = controls.VIDEO_ID, controls.OTHER_VIDEO_ID


def cut_other_connections() -> int:
    """Terminate every other session of the view database, as a restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return sum(1 for (terminated,) in cursor.fetchall() if terminated)


def cataloged(video_id: str) -> bool:
    return Video.objects.filter(pk=video_id, status="cataloged").exists()


def test_the_aggregator_reconnects_to_the_view_database(store: MessageStore, probe) -> None:
    settings = settings_example(poll_interval=0.2, max_reconnect_delay=0.2)
    thread = ConsumerThread(Consumer(probed_subscriptions(), store=store, settings=settings))
    thread.start()
    try:
        store.write_batch([controls.as_new(m) for m in controls.happy_path(FIRST)])
        wait_until(lambda: cataloged(FIRST), timeout=15, what="the first video")

        assert cut_other_connections() >= 1
        store.write_batch(
            [controls.as_new(m) for m in controls.happy_path(SECOND, first_position=6)]
        )

        wait_until(lambda: cataloged(SECOND), timeout=15, what="the second video")
    finally:
        thread.stop()
    assert thread.error is None
    assert applied_positions() == [m.global_position for m in store.read("$all", batch_size=-1)]
    assert parked() == []
