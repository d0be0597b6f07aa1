"""The video page in each state, and the 404s for ids that are not videos."""

import uuid

import pytest

from catalog import messages
from message_store.messages import NewMessage
from tests.videos import controls
from tests.web.conftest import make_video
from videos.models import Video

pytestmark = pytest.mark.django_db


def test_a_ready_video_plays_with_poster_captions_and_transcript(client, user):
    video = make_video(title="Ready one", owner=user, transcript="first line\n\nsecond part")

    response = client.get(f"/videos/{video.id}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<video id="player"' in html
    assert 'poster="/media/videos/x/poster.jpg"' in html
    assert '<source src="/media/videos/x/web.mp4" type="video/mp4">' in html
    assert '<track kind="captions" src="/media/captions/x.vtt" srclang="en"' in html
    assert 'id="transcript"' in html
    assert "second part" in html
    assert 'id="video-status"' in html
    assert "data-status-url" not in html
    assert "progress.js" not in html
    assert "By ada" in html
    assert "1:15" in html


def test_a_video_in_progress_polls_its_status(client):
    video = make_video(status=Video.Status.TRANSCODED, video_name="", captions_name="")

    response = client.get(f"/videos/{video.id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-status-url="/videos/{video.id}/status.json"' in html
    assert 'data-status="transcoded"' in html
    assert "progress.js" in html
    assert 'id="player"' not in html
    assert 'id="transcript"' not in html
    assert 'steps__item--current">Transcribed' in html


def test_a_failed_video_says_why(client):
    video = make_video(status=Video.Status.FAILED, video_name="", failure_reason="no video stream")

    response = client.get(f"/videos/{video.id}/")

    html = response.content.decode()
    assert 'id="failure-reason"' in html
    assert "no video stream" in html
    assert "data-status-url" not in html
    assert "progress.js" not in html
    assert 'id="player"' not in html


def test_a_video_that_failed_after_transcoding_still_plays(client):
    video = make_video(status=Video.Status.FAILED, failure_reason="no audio", captions_name="")

    html = client.get(f"/videos/{video.id}/").content.decode()

    assert 'id="player"' in html
    assert "<track" not in html
    assert "no audio" in html


def test_an_uploaded_video_without_a_row_yet_shows_as_queued(client, store):
    store.write(controls.as_new(controls.catalog(title="Just uploaded")))

    response = client.get(f"/videos/{controls.VIDEO_ID}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Just uploaded" in html
    assert 'data-status="queued"' in html
    assert "data-status-url" in html


def test_a_malformed_command_without_a_row_shows_a_failure_not_a_spinner(client, store):
    store.write(
        NewMessage(
            stream_name=messages.command_stream(controls.VIDEO_ID),
            type="Catalog",
            data={},
            id=str(uuid.uuid4()),
        )
    )

    html = client.get(f"/videos/{controls.VIDEO_ID}/").content.decode()

    assert 'data-status="failed"' in html
    assert "data-status-url" not in html


def test_an_unknown_video_is_not_found(client, store):
    response = client.get(f"/videos/{uuid.uuid4()}/")

    assert response.status_code == 404
    assert b'id="not-found"' in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/videos/%00/",
        "/videos/%00",
        "/videos/not-a-uuid/",
        "/videos/12345/",
        "/videos/5B1F6C0E-3D2A-4C55-9A57-6C1A2B3C4D5E/",
        "/videos/5b1f6c0e-3d2a-4c55-9a57-6c1a2b3c4d5e%00/",
        "/videos/../admin/",
        "/videos/%00/status.json",
        "/nowhere/",
    ],
)
def test_ids_that_are_not_uuids_are_not_found(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert not Video.objects.exists()


def test_only_get_is_allowed(client):
    video = make_video()

    assert client.post(f"/videos/{video.id}/").status_code in (403, 405)
