"""Each catalog message, delivered in order, moves the video's row to its step."""

import uuid

import pytest

from tests.videos import controls
from tests.videos.conftest import deliver, snapshot
from videos.models import Video

pytestmark = pytest.mark.django_db


def test_catalog_command_creates_a_queued_row(owner):
    deliver(controls.catalog(title="My trip", metadata={"userId": str(owner.pk)}))

    video = Video.objects.get(pk=controls.VIDEO_ID)
    assert video.status == Video.Status.QUEUED
    assert video.title == "My trip"
    assert video.owner == owner
    assert video.source_name == controls.SOURCE
    assert video.last_global_position == 1
    assert video.created_at == controls.TIME.replace(second=6)


def test_started_without_the_command_creates_the_row():
    deliver(controls.started())

    row = snapshot(controls.VIDEO_ID)
    assert row["status"] == Video.Status.STARTED
    assert row["title"] == "A talk"
    assert row["source_name"] == controls.SOURCE


def test_every_step_updates_the_row_until_cataloged():
    path = controls.happy_path()
    statuses = []
    for message in path:
        deliver(message)
        statuses.append(snapshot(controls.VIDEO_ID)["status"])

    assert statuses == ["queued", "started", "transcoded", "transcribed", "cataloged"]
    video = Video.objects.get(pk=controls.VIDEO_ID)
    assert video.title == "A talk"
    assert video.video_name == controls.WEB_VIDEO
    assert video.poster_name == controls.POSTER
    assert video.captions_name == controls.CAPTIONS
    assert video.duration_seconds == 12.5
    assert (video.width, video.height) == (640, 360)
    assert video.transcript == controls.TRANSCRIPT
    assert video.last_global_position == path[-1].global_position
    assert video.created_at == path[0].time
    assert video.updated_at == path[-1].time
    assert video.is_ready
    assert video.is_playable


def test_transcode_failure_shows_the_reason():
    deliver(controls.catalog())
    deliver(controls.started())
    deliver(controls.transcode_failed(reason="not a video: no video stream"))

    video = Video.objects.get(pk=controls.VIDEO_ID)
    assert video.status == Video.Status.FAILED
    assert video.failure_reason == "not a video: no video stream"
    assert video.title == "A talk"
    assert not video.is_playable


def test_transcribe_failure_keeps_the_playable_video():
    for message in controls.happy_path()[:3]:
        deliver(message)
    deliver(controls.transcribe_failed(reason="the video has no audio"))

    video = Video.objects.get(pk=controls.VIDEO_ID)
    assert video.status == Video.Status.FAILED
    assert video.failure_reason == "the video has no audio"
    assert video.video_name == controls.WEB_VIDEO
    assert video.is_playable


def test_an_empty_failure_reason_still_says_something():
    deliver(controls.transcode_failed(reason=""))

    assert snapshot(controls.VIDEO_ID)["failure_reason"] == "The video could not be transcoded."


def test_a_missing_transcript_is_stored_as_empty():
    deliver(controls.transcribed(transcription=""))

    assert snapshot(controls.VIDEO_ID)["transcript"] == ""


def test_an_unknown_or_foreign_owner_is_not_linked():
    deliver(controls.catalog(metadata={"userId": "987654"}))
    deliver(controls.catalog(metadata={"userId": "alice"}, video_id=controls.OTHER_VIDEO_ID))

    assert Video.objects.get(pk=controls.VIDEO_ID).owner is None
    assert Video.objects.get(pk=controls.OTHER_VIDEO_ID).owner is None


def test_a_long_title_is_cut_to_fit():
    deliver(controls.catalog(title="x" * 5000))

    assert len(snapshot(controls.VIDEO_ID)["title"]) == Video.TITLE_MAX_LENGTH


def test_file_uris_under_the_media_root_become_storage_names(settings):
    media_root = str(settings.MEDIA_ROOT).rstrip("/")
    deliver(
        controls.transcoded(
            transcodedUri=f"file://{media_root}/videos/x/web.mp4",
            posterUri="https://cdn.example.com/poster.jpg",
        )
    )

    row = snapshot(controls.VIDEO_ID)
    assert row["video_name"] == "videos/x/web.mp4"
    assert row["poster_name"] == "https://cdn.example.com/poster.jpg"


def test_videos_are_kept_apart():
    for message in controls.happy_path():
        deliver(message)
    deliver(controls.catalog(global_position=10, video_id=controls.OTHER_VIDEO_ID))

    assert Video.objects.get(pk=controls.VIDEO_ID).status == Video.Status.CATALOGED
    assert Video.objects.get(pk=uuid.UUID(controls.OTHER_VIDEO_ID)).status == "queued"
