"""`/videos/<id>/status.json`: what the progress page polls."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.videos import controls
from tests.web.conftest import make_video
from videos.models import Video

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "step", "progress", "ready", "failed"),
    [
        ("queued", 0, 0, False, False),
        ("started", 1, 25, False, False),
        ("transcoded", 2, 50, False, False),
        ("transcribed", 3, 75, False, False),
        ("cataloged", 4, 100, True, False),
    ],
)
def test_each_step(client, status, step, progress, ready, failed):
    video = make_video(status=status)

    response = client.get(f"/videos/{video.id}/status.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["id"] == str(video.id)
    assert (body["status"], body["step"], body["progress"]) == (status, step, progress)
    assert (body["ready"], body["failed"]) == (ready, failed)
    assert body["steps"] == 4


def test_a_failure_gives_the_reason(client):
    video = make_video(status=Video.Status.FAILED, failure_reason="no audio", captions_name="")

    body = client.get(f"/videos/{video.id}/status.json").json()

    assert body["failed"] is True
    assert body["reason"] == "no audio"
    assert body["step"] == 2


def test_queued_from_the_command_alone(client, store):
    store.write(controls.as_new(controls.catalog()))

    body = client.get(f"/videos/{controls.VIDEO_ID}/status.json").json()

    assert body["status"] == "queued"
    assert body["ready"] is False


def test_unknown_is_a_json_404(client, store):
    response = client.get(f"/videos/{uuid.uuid4()}/status.json")

    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize(
    "video_id", ["not-a-uuid", "12345", "%00", "5B1F6C0E-3D2A-4C55-9A57-6C1A2B3C4D5E"]
)
def test_a_malformed_id_is_a_json_404(client, video_id):
    response = client.get(f"/videos/{video_id}/status.json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "not found"}


def test_a_deleted_video_is_a_json_410(client):
    video = make_video(status=Video.Status.DELETED)

    response = client.get(f"/videos/{video.id}/status.json")

    assert response.status_code == 410
    assert response.json() == {"error": "deleted"}


@pytest.mark.django_db(transaction=True)
def test_a_database_that_is_down_is_a_json_503(client):
    video = make_video()
    database = connection.settings_dict
    real_name = database["NAME"]
    connection.close()
    database["NAME"] = "no_such_database_here"
    try:
        response = client.get(f"/videos/{video.id}/status.json")
    finally:
        connection.close()
        database["NAME"] = real_name

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "unavailable"}


def test_a_step_that_has_not_moved_for_too_long_says_so(client, settings):
    settings.PROCESSING_STALL_GRACE_SECONDS = 60
    settings.PROCESSING_STALL_FACTOR = 2
    now = timezone.now()
    fresh = make_video(status="started", step_at=now - timedelta(seconds=50), duration_seconds=None)
    long_one = make_video(
        status="transcoded", step_at=now - timedelta(seconds=200), duration_seconds=100
    )
    stuck = make_video(
        status="transcoded", step_at=now - timedelta(seconds=300), duration_seconds=100
    )
    done = make_video(step_at=now - timedelta(days=3))

    stalled = {
        name: client.get(f"/videos/{video.id}/status.json").json()["stalled"]
        for name, video in (("fresh", fresh), ("long", long_one), ("stuck", stuck), ("done", done))
    }

    assert stalled == {"fresh": False, "long": False, "stuck": True, "done": False}
