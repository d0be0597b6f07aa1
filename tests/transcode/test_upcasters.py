"""The transcode component's upcasters: the workshop's origin-only metadata and our first field
names become today's; today's shapes go through unchanged."""

from __future__ import annotations

import pytest

from tests.consumers.controls import read_example
from tests.transcode import controls as today
from tests.workshop import controls as old
from transcode import messages, upcasters
from transcode.upcasters import upcaster


def test_origin_is_the_correlation_v0_transcode():
    message = old.v0_transcode().as_read()

    upcast = upcaster(message)

    assert upcast.data == message.data
    assert upcast.metadata == {**message.metadata, "correlationStreamName": old.catalog_stream()}
    assert messages.Transcode.parse(upcast) == messages.Transcode(
        transcode_id=old.TRANSCODE_ID, uri=old.SOURCE_URI
    )


def test_v0_transcoded_has_no_poster_or_size_and_is_understood():
    parsed = messages.Transcoded.parse(upcaster(old.v0_transcoded().as_read()))

    assert parsed == messages.Transcoded(
        transcode_id=old.TRANSCODE_ID, uri=old.SOURCE_URI, transcoded_uri=old.TRANSCODED_URI
    )


def test_source_uri_is_uri_v1_transcode():
    upcast = upcasters.source_uri_is_uri(old.v1_transcode().as_read())

    assert upcast.data == {"transcodeId": old.TRANSCODE_ID, "uri": old.SOURCE_URI}


def test_v1_transcoded_upcast_is_todays():
    parsed = messages.Transcoded.parse(upcaster(old.v1_transcoded().as_read()))

    assert parsed == messages.Transcoded(
        transcode_id=old.TRANSCODE_ID,
        uri=old.SOURCE_URI,
        transcoded_uri=old.V1_VIDEO_URI,
        poster_uri=old.V1_POSTER_URI,
        duration_seconds=7.5,
        width=640,
        height=360,
    )


def test_video_uri_is_transcoded_uri_v1_transcoded():
    upcast = upcasters.video_uri_is_transcoded_uri(old.v1_transcoded().as_read())

    assert "videoUri" not in upcast.data
    assert upcast.data["transcodedUri"] == old.V1_VIDEO_URI


def test_v1_transcode_failed_upcast_is_todays():
    parsed = messages.TranscodeFailed.parse(upcaster(old.v1_transcode_failed().as_read()))

    assert parsed.uri == old.SOURCE_URI


@pytest.mark.parametrize(
    "example", [today.transcode_example, today.transcoded_example, today.transcode_failed_example]
)
def test_todays_shapes_go_through_unchanged(example):
    message = read_example(example())

    assert upcaster(message) == message
