"""Media and static files served by Django itself (the test run has DEBUG off), with ranges."""

import pytest

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def clip(media_root):
    path = media_root / "videos" / "abc" / "web.mp4"
    path.parent.mkdir(parents=True)
    path.write_bytes(CONTENT)
    return path


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_whole_file(client, clip):
    response = client.get("/media/videos/abc/web.mp4")

    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == CONTENT


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=10000-", 10000, 10239), ("bytes=-40", 10200, 10239),
     ("bytes=10200-99999", 10200, 10239)],
)  # fmt: skip
def test_a_byte_range(client, clip, header, start, end):
    response = client.get("/media/videos/abc/web.mp4", HTTP_RANGE=header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(CONTENT)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert body(response) == CONTENT[start : end + 1]


def test_an_unsatisfiable_range(client, clip):
    response = client.get("/media/videos/abc/web.mp4", HTTP_RANGE="bytes=20000-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(CONTENT)}"


def test_captions_are_served_as_webvtt(client, media_root):
    (media_root / "captions").mkdir()
    (media_root / "captions" / "a.vtt").write_text("WEBVTT\n")

    response = client.get("/media/captions/a.vtt")

    assert response["Content-Type"].startswith("text/vtt")


@pytest.mark.parametrize(
    "path",
    [
        "/media/../config/settings.py",
        "/media/%2e%2e/config/settings.py",
        "/media/videos/abc/../../../../etc/passwd",
        "/media/missing.mp4",
        "/media/videos/",
        "/media/%00",
    ],
)
@pytest.mark.parametrize("range_header", [None, "bytes=0-10"])
def test_nothing_outside_the_media_folder(client, clip, path, range_header):
    headers = {"HTTP_RANGE": range_header} if range_header else {}

    response = client.get(path, **headers)

    assert response.status_code == 404


def test_media_is_read_only(client, clip):
    assert client.post("/media/videos/abc/web.mp4").status_code == 405


def test_static_files_without_debug(client):
    response = client.get("/static/videos/site.css")

    assert response.status_code == 200
    assert b"--accent" in body(response)
    assert client.get("/static/videos/missing.css").status_code == 404
