"""File names from events are kept only when they stay inside the media folder."""

import pytest

from videos import media


@pytest.mark.parametrize(
    ("uri", "name"),
    [
        ("videos/a/web.mp4", "videos/a/web.mp4"),
        ("videos//a/./web.mp4", "videos/a/web.mp4"),
        ("/media/videos/a/web.mp4", "videos/a/web.mp4"),
        ("https://cdn.example.com/a.mp4", "https://cdn.example.com/a.mp4"),
        ("", ""),
    ],
)
def test_accepted(uri, name):
    assert media.storage_name(uri) == name


def test_paths_under_the_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert media.storage_name(f"{tmp_path}/captions/a.vtt") == "captions/a.vtt"
    assert media.storage_name(f"file://{tmp_path}/captions/a.vtt") == "captions/a.vtt"


@pytest.mark.parametrize(
    "uri",
    [
        "../secret",
        "videos/../../secret",
        "/etc/passwd",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,hi",
        "videos\\..\\..\\x",
        "a\nb",
        "..",
    ],
)
def test_refused(uri):
    with pytest.raises(media.UnsafeNameError):
        media.storage_name(uri)


def test_urls():
    assert media.url("") == ""
    assert media.url("videos/a b.mp4") == "/media/videos/a%20b.mp4"
    assert media.url("https://cdn.example.com/a.mp4") == "https://cdn.example.com/a.mp4"
