"""The catalog's upcasters: each step turns an older shape, given verbatim, into today's; today's
shapes and types with no chain (the owner's commands) go through untouched; and what comes out
satisfies today's contract."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalog import messages, upcasters
from catalog.upcasters import upcaster
from tests.catalog import controls as today
from tests.consumers.controls import read_example
from tests.workshop import controls as old

VIDEO_ID = old.VIDEO_ID


def test_name_is_title_v0_catalog_of_exercise_13():
    message = old.v0_catalog_of_exercise_13().as_read()

    upcast = upcasters.name_is_title(message)

    assert upcast.data == {"videoId": VIDEO_ID, "uri": old.SOURCE_URI, "title": old.NAME}
    assert upcast.metadata == {}
    assert messages.Catalog.parse(upcast).title == old.NAME


def test_a_title_wins_over_a_name():
    message = old.v0_catalog_of_exercise_13().as_read()
    message = replace(message, data={**message.data, "title": "Mine"})

    assert upcaster(message).data["title"] == "Mine"


def test_v0_catalog_from_the_web_needs_no_step_and_is_untitled():
    message = old.v0_catalog_from_the_web().as_read()

    assert upcaster(message) == message
    assert messages.Catalog.parse(message).title == ""


def test_source_uri_is_uri_v1_catalog_and_started():
    for shape in (old.v1_catalog(), old.v1_started()):
        upcast = upcasters.source_uri_is_uri(shape.as_read())
        assert "sourceUri" not in upcast.data
        assert upcast.data["uri"] == old.SOURCE_URI


def test_owner_id_is_the_user_id_v1_catalog():
    message = old.v1_catalog().as_read()
    without_user = replace(message, metadata={"traceId": old.TRACE_ID})

    assert upcasters.owner_id_is_the_user_id(message).metadata["userId"] == old.USER_ID
    moved = upcasters.owner_id_is_the_user_id(without_user)
    assert moved.metadata == {"traceId": old.TRACE_ID, "userId": old.USER_ID}
    assert "ownerId" not in moved.data


def test_v1_catalog_upcast_is_todays_catalog():
    upcast = upcaster(old.v1_catalog().as_read())

    assert upcast.data == {
        "videoId": VIDEO_ID,
        "title": "A first-shape video",
        "uri": old.SOURCE_URI,
    }
    assert messages.Catalog.parse(upcast) == messages.Catalog(
        video_id=VIDEO_ID, uri=old.SOURCE_URI, title="A first-shape video"
    )


def test_video_uri_is_transcoded_uri_and_the_job_id_is_derived_v1_transcoded_copy():
    message = old.v1_transcoded_copy().as_read()

    assert upcasters.video_uri_is_transcoded_uri(message).data["transcodedUri"] == old.V1_VIDEO_URI
    assert upcasters.transcode_id_derives_from_the_video_id(message).data["transcodeId"] == (
        messages.transcode_id(VIDEO_ID)
    )
    assert messages.Transcoded.parse(upcaster(message)) == messages.Transcoded(
        video_id=VIDEO_ID,
        transcode_id=messages.transcode_id(VIDEO_ID),
        transcoded_uri=old.V1_VIDEO_URI,
        poster_uri=old.V1_POSTER_URI,
        duration_seconds=7.5,
        width=640,
        height=360,
    )


@pytest.mark.parametrize("transcript", ["hi", None])
def test_transcript_is_transcription_v1_transcribed_copy(transcript):
    message = old.v1_transcribed_copy(transcript=transcript).as_read()

    parsed = messages.Transcribed.parse(upcaster(message))

    assert parsed.transcription == (transcript or "")
    assert parsed.transcribe_id == messages.transcribe_id(VIDEO_ID)
    assert parsed.captions_uri == old.V1_CAPTIONS_URI


@pytest.mark.parametrize(
    ("shape", "contract", "job_key", "derive"),
    [
        (
            old.v1_transcode_failed_copy,
            messages.TranscodeFailed,
            "transcodeId",
            messages.transcode_id,
        ),
        (
            old.v1_transcribe_failed_copy,
            messages.TranscribeFailed,
            "transcribeId",
            messages.transcribe_id,
        ),
    ],
)
def test_v1_failure_copies_get_their_job_id(shape, contract, job_key, derive):
    upcast = upcaster(shape().as_read())

    assert upcast.data[job_key] == derive(VIDEO_ID)
    assert contract.parse(upcast).reason


@pytest.mark.parametrize(
    "shape",
    [old.v0_started, old.v0_transcoded_copy, old.v0_transcribed_copy, old.v0_cataloged],
    ids=lambda shape: shape.__name__,
)
def test_v0_events_need_no_step_and_satisfy_todays_contracts(shape):
    message = shape().as_read()

    assert upcaster(message) == message
    getattr(messages, message.type).parse(message)


@pytest.mark.parametrize(
    "example",
    [
        today.catalog_example,
        today.started_example,
        today.transcoded_example,
        today.transcode_failed_example,
        today.transcribed_example,
        today.cataloged_example,
    ],
)
def test_todays_shapes_go_through_unchanged(example):
    message = read_example(example())

    assert upcaster(message) == message


def test_a_type_without_a_chain_passes_untouched():
    message = read_example(replace(today.catalog_example(), type="ChangeDetails"))
    message = replace(message, data={"videoId": VIDEO_ID, "title": "t", "sourceUri": "x"})

    assert upcaster(message) is message


def test_steps_run_oldest_first():
    assert [step.__name__ for step in upcaster.chains["Catalog"]] == [
        "name_is_title",
        "source_uri_is_uri",
        "owner_id_is_the_user_id",
    ]
