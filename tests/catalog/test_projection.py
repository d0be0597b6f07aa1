"""The catalog's view of a video, folded from `catalog-{videoId}`."""

from __future__ import annotations

from catalog.projection import Video, projection
from tests.catalog import controls
from tests.consumers.controls import read_example


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
