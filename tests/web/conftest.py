"""Fixtures for the web tests: a private media folder, users, real video files, view rows."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.media_factory import make_video_without_audio
from videos.models import Video

PASSWORD = "correct-horse-battery-staple-9"
_positions = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """Hashing with the production hasher costs ~0.3 s a user; tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("ada", password=PASSWORD)


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def video_bytes(tmp_path_factory) -> bytes:
    """A real, small MP4 (generated once per test run)."""
    path = tmp_path_factory.mktemp("clips") / "clip.mp4"
    return make_video_without_audio(path, seconds=1, size=(160, 90)).read_bytes()


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def make_video(**fields) -> Video:
    """A view row as the aggregator would leave it (ready, unless told otherwise)."""
    position = next(_positions)
    defaults = {
        "id": uuid.uuid4(),
        "title": f"Video {position}",
        "status": Video.Status.CATALOGED,
        "video_name": "videos/x/web.mp4",
        "poster_name": "videos/x/poster.jpg",
        "captions_name": "captions/x.vtt",
        "duration_seconds": 75.4,
        "width": 640,
        "height": 360,
        "transcript": "hello there",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=position),
        "updated_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=position),
        "last_global_position": position,
    }
    return Video.objects.create(**{**defaults, **fields})


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user("bob", password=PASSWORD)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user("moderator", password=PASSWORD, is_staff=True)


def commands_of(store, video_id) -> list:
    """The commands written to a video's command stream, oldest first."""
    return list(store.read_stream(f"catalog:command-{video_id}"))


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, except that media are served by the site's own media view.

    Django's live server thread puts `_MediaFilesHandler` in front of the site, which serves
    MEDIA_URL itself: without byte ranges (a browser cannot seek in a video) and without the
    site's access checks (the media of private videos). The browser tests need the real thing.
    """
    from django.test import testcases
    from pytest_django.live_server_helper import LiveServer

    original = testcases._MediaFilesHandler
    testcases._MediaFilesHandler = lambda application: application
    try:
        server = LiveServer("localhost")
    finally:
        testcases._MediaFilesHandler = original
    yield server
    server.stop()
