"""`/videos/<id>/status.json`: what the progress page polls."""

import uuid

import pytest

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
