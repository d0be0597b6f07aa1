"""The transcribe component's upcasters: the workshop's `Transcribe` on the video's command
stream names its job after that stream; origin-only metadata and our first field names become
today's; any other mismatch of stream and id is left for the handler to refuse."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.consumers.controls import read_example
from tests.transcribe import controls as today
from tests.workshop import controls as old
from transcribe import messages, upcasters
from transcribe.upcasters import upcaster


def test_job_is_named_by_its_command_stream_v0_transcribe():
    message = old.v0_transcribe().as_read()

    upcast = upcasters.job_is_named_by_its_command_stream(message)

    assert upcast.data == {"transcribeId": old.VIDEO_ID, "uri": old.SOURCE_URI}
    assert upcast.metadata == message.metadata


def test_two_v0_transcribes_of_one_video_name_one_job():
    first = upcaster(old.v0_transcribe(n=7).as_read())
    second = upcaster(old.v0_transcribe(transcribe_id=old.shape_id(99), n=8).as_read())

    assert messages.Transcribe.parse(first) == messages.Transcribe.parse(second)


def test_v0_transcribe_upcast_is_todays_with_both_origin_names():
    upcast = upcaster(old.v0_transcribe().as_read())

    assert messages.Transcribe.parse(upcast) == messages.Transcribe(
        transcribe_id=old.VIDEO_ID, uri=old.SOURCE_URI
    )
    assert upcast.metadata["correlationStreamName"] == old.catalog_stream()


@pytest.mark.parametrize(
    "metadata",
    [
        {"originStreamName": "catalog-b0000000-0000-4000-8000-000000000999"},
        {"originStreamName": f"elsewhere-{old.VIDEO_ID}"},
        {},
    ],
    ids=["other video", "other origin", "no origin"],
)
def test_another_mismatch_of_stream_and_id_is_left_alone(metadata):
    message = replace(old.v0_transcribe().as_read(), metadata=metadata)

    assert upcasters.job_is_named_by_its_command_stream(message) == message


def test_v0_transcribed_has_no_captions_and_is_understood():
    parsed = messages.Transcribed.parse(upcaster(old.v0_transcribed().as_read()))

    assert parsed == messages.Transcribed(
        transcribe_id=old.TRANSCRIBE_ID, uri=old.SOURCE_URI, transcription=old.TRANSCRIPTION
    )


def test_source_uri_is_uri_v1_transcribe():
    upcast = upcasters.source_uri_is_uri(old.v1_transcribe().as_read())

    assert upcast.data == {"transcribeId": old.TRANSCRIBE_ID, "uri": old.V1_VIDEO_URI}


@pytest.mark.parametrize("transcript", ["hi", None])
def test_transcript_is_transcription_v1_transcribed(transcript):
    parsed = messages.Transcribed.parse(
        upcaster(old.v1_transcribed(transcript=transcript).as_read())
    )

    assert parsed == messages.Transcribed(
        transcribe_id=old.TRANSCRIBE_ID,
        uri=old.V1_VIDEO_URI,
        transcription=transcript or "",
        captions_uri=old.V1_CAPTIONS_URI,
    )


def test_v1_transcribe_failed_upcast_is_todays():
    parsed = messages.TranscribeFailed.parse(upcaster(old.v1_transcribe_failed().as_read()))

    assert (parsed.uri, parsed.reason) == (old.V1_VIDEO_URI, "no audio")


@pytest.mark.parametrize(
    "example",
    [today.transcribe_example, today.transcribed_example, today.transcribe_failed_example],
)
def test_todays_shapes_go_through_unchanged(example):
    message = read_example(example())

    assert upcaster(message) == message
