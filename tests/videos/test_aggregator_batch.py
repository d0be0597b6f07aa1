"""A read batch applied together gives the rows that applying its messages one by one gives,
even with duplicates, late messages and videos interleaved within the batch."""

from __future__ import annotations

import random

import pytest
from django.db import transaction

from tests.videos import controls
from tests.videos.conftest import deliver, snapshot
from videos import aggregator
from videos.models import Video

pytestmark = pytest.mark.django_db

OTHER = controls.OTHER_VIDEO_ID


def project(message) -> aggregator.Change:
    category = message.stream_name.split("-", 1)[0]
    return aggregator.PROJECTORS[category][message.type](message)


def one_by_one_and_together(messages) -> tuple[dict, dict]:
    ids = sorted({str(project(m).video_id) for m in messages})
    for message in messages:
        aggregator.apply(project(message))
    one_by_one = {video_id: snapshot(video_id) for video_id in ids}
    Video.objects.all().delete()
    with transaction.atomic(), aggregator.applying_together():
        for message in messages:
            deliver(message)
    return one_by_one, {video_id: snapshot(video_id) for video_id in ids}


def test_duplicates_late_and_interleaved_messages_in_one_batch() -> None:
    path = controls.happy_path()
    other = controls.happy_path(OTHER, first_position=10)
    batch = [
        path[1],  # Started before its command (the other subscription lags)
        other[0],
        path[2],
        path[2],  # delivered twice
        other[1],
        path[0],  # the command, late: older than the row
        path[3],
        controls.transcode_failed(global_position=3),  # an older failure, late
        other[2],
        path[4],
        path[1],  # an old duplicate after the end
    ]

    one_by_one, together = one_by_one_and_together(batch)

    assert together == one_by_one
    assert together[controls.VIDEO_ID]["status"] == "cataloged"
    assert together[OTHER]["status"] == "transcoded"


def test_any_order_of_any_changes_matches_one_by_one() -> None:
    pool = controls.happy_path() + controls.happy_path(OTHER, first_position=6)
    pool += [controls.transcode_failed(global_position=3), controls.transcribe_failed()]
    shuffled = random.Random(11)
    for _ in range(20):
        batch = shuffled.choices(pool, k=12)
        Video.objects.all().delete()

        one_by_one, together = one_by_one_and_together(batch)

        assert together == one_by_one, batch


def test_apply_all_counts_the_rows_it_changed() -> None:
    changes = [project(m) for m in controls.happy_path()]

    assert aggregator.apply_all(changes + changes) == len(changes)
