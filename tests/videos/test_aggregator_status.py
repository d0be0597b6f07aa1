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
    message, and the rows after each (checked to be the ones `fold` gives)."""
    statuses, rows, folded = [], [], None
    compared = [column for column in aggregator.COLUMNS if column != "owner_id"]  # a user or not
    for message in path:
        deliver(message)
        row = snapshot(controls.VIDEO_ID)
        projector = aggregator.PROJECTORS[message.stream_name.split("-", 1)[0]][message.type]
        folded = aggregator.fold(folded, projector(message))
        assert {column: row[column] for column in compared} == {c: folded[c] for c in compared}
        statuses.append(row["status"])
        rows.append(row)
    return statuses, rows


def test_a_late_started_does_not_move_the_video_back_nor_wipe_its_details():
    path = [
        controls.catalog(),
        controls.started(),
        controls.transcoded(),
        controls.message("Started", WORKSHOP_STARTED, global_position=4, metadata={}),
        controls.transcribed(global_position=5),
        controls.cataloged(global_position=6),
    ]

    statuses, rows = delivered(path)

    assert statuses == ["queued", "started", "transcoded", "transcoded", "transcribed", "cataloged"]
    assert (rows[-1]["title"], rows[-1]["source_name"], rows[-1]["trace_id"]) == (
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

    statuses, rows = delivered(path)

    assert statuses == [
        "queued",
        "started",
        "started",
        "transcribed",
        "transcribed",
        "transcribed",
        "cataloged",
    ]
    assert rows[-1]["video_name"] == controls.WEB_VIDEO


def test_failed_and_deleted_are_final_and_take_no_further_step():
    """Other writers' copies (the workshop's catalog copies its fixed transcription into a
    failed or deleted video's stream) change nothing; the owner may still rename a failed one."""
    rename = {"videoId": controls.VIDEO_ID, "title": "Renamed", "description": ""}
    path = [
        controls.started(),
        controls.transcode_failed(),
        controls.transcribed(),
        controls.cataloged(),
        controls.message("DetailsChanged", rename, global_position=6),
        controls.message("Deleted", {"videoId": controls.VIDEO_ID}, global_position=7),
        controls.transcribed(global_position=8),
    ]

    statuses, rows = delivered(path)

    assert statuses == ["started", "failed", "failed", "failed", "failed", "deleted", "deleted"]
    assert (rows[4]["title"], rows[4]["transcript"], rows[4]["captions_name"]) == (
        "Renamed",
        "",
        "",
    )
    assert (rows[6]["title"], rows[6]["transcript"]) == ("", "")


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

    _, rows = delivered(path)

    assert (rows[-1]["transcript"], rows[-1]["captions_name"]) == (
        controls.TRANSCRIPT,
        controls.CAPTIONS,
    )
