"""Two (or more) aggregator processes racing on the same messages still write each step once.

Delivery is at least once, so racing consumers may both handle every message. Each thread here
plays one consumer with its own database connection, handling the whole sequence in order.
"""

import threading

import pytest
from django.db import connection

from tests.videos import controls
from tests.videos.conftest import deliver, snapshot

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 6
VIDEOS = 20


def _race(work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(RACERS)

    def consumer() -> None:
        try:
            barrier.wait()
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=consumer) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_racing_consumers_agree_on_the_final_rows():
    video_ids = [f"00000000-0000-4000-8000-{index:012d}" for index in range(VIDEOS)]
    paths = [
        controls.happy_path(video_id, first_position=1 + 5 * index)
        for index, video_id in enumerate(video_ids)
    ]
    in_global_order = sorted(
        (message for path in paths for message in path), key=lambda m: m.global_position
    )

    errors = _race(lambda: [deliver(message) for message in in_global_order])

    assert errors == []
    for video_id, path in zip(video_ids, paths, strict=True):
        row = snapshot(video_id)
        assert row["status"] == "cataloged"
        assert row["video_name"] == controls.WEB_VIDEO
        assert row["transcript"] == controls.TRANSCRIPT
        assert row["last_global_position"] == path[-1].global_position


def test_racing_first_inserts_do_not_conflict():
    errors = _race(lambda: deliver(controls.catalog()))

    assert errors == []
    assert snapshot(controls.VIDEO_ID)["status"] == "queued"
