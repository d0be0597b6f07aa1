"""How a row's status is derived when other writers share the catalog's streams: the process only
moves forward (a late `Started`, a copy after `Cataloged`), failed and deleted are final, and a
video is Ready only with a video to play. The upsert and `fold` (the rebuild's) agree."""

from __future__ import annotations

import pytest

from message_store.messages import Message
from tests.videos import controls
from tests.videos.conftest import deliver, snapshot
from videos import aggregator

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
WORKSHOP_STARTED = {"videoId": controls.VIDEO_ID, "uri": controls.SOURCE}
"""The workshop's `Started`: no title, owner, description or visibility."""


def delivered(path: list[Message]) -> tuple[list[str], dict]:
    """Deliver `path` to the upserts, and fold it as the rebuild does; the statuses after each
    message, and the row (checked to be the one `fold` gives)."""
    statuses, folded = [], None
    for message in path:
        deliver(message)
        statuses.append(snapshot(controls.VIDEO_ID)["status"])
        projector = aggregator.PROJECTORS[message.stream_name.split("-", 1)[0]][message.type]
        folded = aggregator.fold(folded, projector(message))
    row = snapshot(controls.VIDEO_ID)
    compared = [column for column in aggregator.COLUMNS if column != "owner_id"]  # a user or not
    assert {column: row[column] for column in compared} == {c: folded[c] for c in compared}
    return statuses, row


def test_a_late_started_does_not_move_the_video_back_nor_wipe_its_details():
    path = [
        controls.catalog(),
        controls.started(),
        controls.transcoded(),
        controls.message("Started", WORKSHOP_STARTED, global_position=4, metadata={}),
        controls.transcribed(global_position=5),
        controls.cataloged(global_position=6),
    ]

    statuses, row = delivered(path)

    assert statuses == ["queued", "started", "transcoded", "transcoded", "transcribed", "cataloged"]
    assert (row["title"], row["source_name"], row["trace_id"]) == (
        "A talk",
        controls.SOURCE,
        controls.TRACE_ID,
    )


def test_cataloged_without_a_video_to_play_is_not_ready():
    path = [
        controls.catalog(),
        controls.started(),
        controls.transcoded(transcodedUri=YOUTUBE),
        controls.transcribed(),
        controls.cataloged(),
        controls.transcoded(global_position=6),
        controls.cataloged(global_position=7),
    ]

    statuses, row = delivered(path)

    assert statuses == [
        "queued",
        "started",
        "started",
        "transcribed",
        "transcribed",
        "transcribed",
        "cataloged",
    ]
    assert row["video_name"] == controls.WEB_VIDEO


def test_failed_and_deleted_are_final():
    path = [
        controls.started(),
        controls.transcode_failed(),
        controls.transcribed(),
        controls.cataloged(),
        controls.message("Deleted", {"videoId": controls.VIDEO_ID}, global_position=6),
        controls.transcoded(global_position=7),
    ]

    statuses, _ = delivered(path)

    assert statuses == ["started", "failed", "failed", "failed", "deleted", "deleted"]


def test_step_at_moves_only_with_the_status():
    delivered(controls.happy_path())
    ready_at = snapshot(controls.VIDEO_ID)["step_at"]

    deliver(controls.transcribed(global_position=9))

    assert snapshot(controls.VIDEO_ID)["step_at"] == ready_at


def test_a_transcription_without_captions_never_replaces_one_with_captions():
    path = [
        *controls.happy_path(),
        controls.message(
            "Transcribed",
            {
                "videoId": controls.VIDEO_ID,
                "transcribeId": "t",
                "uri": controls.SOURCE,
                "transcription": "a fixed text",
            },
            global_position=6,
        ),
    ]

    _, row = delivered(path)

    assert (row["transcript"], row["captions_name"]) == (controls.TRANSCRIPT, controls.CAPTIONS)
