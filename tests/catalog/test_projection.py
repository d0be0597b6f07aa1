"""The catalog's view of a video, folded from `catalog-{videoId}`."""

from __future__ import annotations

import uuid

from catalog import messages
from catalog.projection import Video, projection
from message_store.messages import NewMessage
from tests.catalog import controls
from tests.consumers.controls import read_example
from tests.workshop.double import YOUTUBE_URI


def fold(*examples):
    return projection.fold(
        read_example(example, position=i, global_position=i + 1)
        for i, example in enumerate(examples)
    )


def test_an_empty_stream_is_a_video_not_started() -> None:
    video = fold()

    assert video == Video()
    assert not video.started
    assert not video.finished


def test_started_records_the_source() -> None:
    video = fold(controls.started_example())

    assert video.started
    assert video.source_uri == controls.SOURCE_URI
    assert not video.transcoded
    assert not video.finished


def test_transcoded_records_the_web_video() -> None:
    video = fold(controls.started_example(), controls.transcoded_example())

    assert video.transcoded
    assert video.video_uri == controls.VIDEO_URI
    assert not video.transcribed
    assert not video.finished


def test_transcribed_then_cataloged_finish_the_video() -> None:
    transcribed = fold(
        controls.started_example(), controls.transcoded_example(), controls.transcribed_example()
    )
    cataloged = fold(
        controls.started_example(),
        controls.transcoded_example(),
        controls.transcribed_example(),
        controls.cataloged_example(),
    )

    assert transcribed.transcribed
    assert not transcribed.finished
    assert cataloged.cataloged
    assert cataloged.finished
    assert not cataloged.failed


def test_a_failed_job_finishes_the_video_as_failed() -> None:
    video = fold(controls.started_example(), controls.transcode_failed_example())

    assert video.failed
    assert video.finished
    assert not video.transcoded
    assert not video.cataloged


def test_unknown_types_leave_the_video_as_it_is() -> None:
    started = fold(controls.started_example())
    with_unknown = fold(controls.started_example(), controls.catalog_example())

    assert with_unknown == started


# Beside the workshop's catalog, which writes the same types with less in them ---------------


def workshop(kind: str, data: dict) -> NewMessage:
    return NewMessage(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"workshop-{kind}")),
        stream_name=messages.entity_stream(controls.VIDEO_ID),
        type=kind,
        data={"videoId": controls.VIDEO_ID, **data},
        metadata={},
    )


def test_a_started_without_details_keeps_the_owner_and_is_not_described() -> None:
    theirs = workshop("Started", {"uri": controls.SOURCE_URI})

    assert not fold(theirs).described
    video = fold(controls.started_example(), theirs)
    assert (video.described, video.owner_id, video.source_uri) == (
        True,
        controls.USER_ID,
        controls.SOURCE_URI,
    )


def test_a_transcoded_that_is_no_file_of_ours_is_no_transcode() -> None:
    youtube = workshop("Transcoded", {"transcodeId": "t", "transcodedUri": YOUTUBE_URI})

    video = fold(controls.started_example(), youtube)

    assert (video.transcoded, video.video_uri, video.playable) == (False, None, False)


def test_cataloged_before_a_video_to_play_does_not_finish_it() -> None:
    early = fold(
        controls.started_example(), controls.transcribed_example(), workshop("Cataloged", {})
    )
    late = fold(
        controls.started_example(),
        controls.transcribed_example(),
        workshop("Cataloged", {}),
        controls.transcoded_example(),
        controls.cataloged_example(),
    )

    assert (early.cataloged, early.finished) == (False, False)
    assert (late.cataloged, late.finished) == (True, True)


def test_what_the_recorded_outcomes_told() -> None:
    lossy = workshop(
        "Transcoded",
        {"transcodeId": "t", "uri": controls.SOURCE_URI, "transcodedUri": controls.VIDEO_URI},
    )

    told = fold(controls.started_example(), lossy).transcoded_fields
    full = fold(controls.started_example(), lossy, controls.transcoded_example()).transcoded_fields

    assert told == {"videoId", "transcodeId", "uri", "transcodedUri"}
    assert {"posterUri", "playlistUri", "renditions"} <= full
