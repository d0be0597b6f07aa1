"""The HLS playlist, its renditions, the timed transcript and its language reach the view row;
events from before they existed leave them empty; bad shapes are malformed, never kept."""

import pytest

from message_store.contracts import MalformedMessageError
from tests.videos import controls
from tests.videos.conftest import deliver
from videos.models import Video

pytestmark = pytest.mark.django_db


def test_transcoded_keeps_the_playlist_and_its_renditions():
    deliver(controls.started())
    deliver(controls.transcoded())

    video = Video.objects.get(pk=controls.VIDEO_ID)
    assert video.playlist_name == controls.PLAYLIST
    assert video.renditions == [
        {
            "width": 426,
            "height": 240,
            "bandwidth": 280_000,
            "playlist_name": "videos/abc/240p/index.m3u8",
        },
        {
            "width": 640,
            "height": 360,
            "bandwidth": 450_000,
            "playlist_name": "videos/abc/360p/index.m3u8",
        },
    ]
    assert video.playlist_url == "/media/videos/abc/master.m3u8"


def test_transcribed_keeps_the_cues_and_the_language():
    for message in controls.happy_path():
        deliver(message)

    video = Video.objects.get(pk=controls.VIDEO_ID)
    assert video.segments == controls.SEGMENTS
    assert video.language == "en"
    assert video.has_captions
    assert video.captions_label == "English"


def test_events_from_before_hls_and_whisper_leave_the_new_columns_empty():
    deliver(controls.started())
    deliver(controls.transcoded(playlistUri=None, renditions=[]))
    old_shape = controls.transcribed()
    for key in ("segments", "language"):
        del old_shape.data[key]
    deliver(old_shape)

    video = Video.objects.get(pk=controls.VIDEO_ID)
    assert (video.playlist_name, video.renditions) == ("", [])
    assert (video.segments, video.language) == ([], "")
    assert video.transcript == controls.TRANSCRIPT


def test_a_video_without_speech_has_no_captions_track():
    deliver(controls.started())
    deliver(controls.transcribed(transcription="", segments=[]))

    assert not Video.objects.get(pk=controls.VIDEO_ID).has_captions


@pytest.mark.parametrize(
    "data",
    [
        {"renditions": [{"width": 426, "height": 240, "bandwidth": "fast", "playlistUri": "a"}]},
        {"renditions": [{"width": 426, "height": 240, "bandwidth": 1, "playlistUri": "../x"}]},
        {"renditions": ["240p"]},
        {"playlistUri": "/etc/passwd"},
    ],
    ids=["bandwidth not a number", "playlist outside media", "not an object", "unsafe playlist"],
)
def test_bad_transcoded_media_fields_are_malformed(data):
    with pytest.raises(MalformedMessageError):
        deliver(controls.transcoded(**data))
    assert not Video.objects.filter(pk=controls.VIDEO_ID).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"segments": [{"start": "0", "end": 1.0, "text": "hi"}]},
        {"segments": [{"start": 2.0, "end": 1.0, "text": "hi"}]},
        {"segments": [{"start": 0.0, "end": 1.0}]},
        {"language": "en; DROP TABLE"},
    ],
    ids=["start not a number", "ends before it starts", "no text", "not a language code"],
)
def test_bad_transcribed_media_fields_are_malformed(data):
    with pytest.raises(MalformedMessageError):
        deliver(controls.transcribed(**data))
    assert not Video.objects.filter(pk=controls.VIDEO_ID).exists()
