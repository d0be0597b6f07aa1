"""Uploads: a checked video is stored under a generated name and one Catalog command written;
anything else is refused with a clear 4xx, leaving no file and no message behind."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog import messages
from tests.media_factory import make_not_a_video
from tests.web.conftest import stored_files

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"
ORIGINAL = r"original-[0-9a-f]{8}"


def video_file(content: bytes, name: str = "holiday.mp4", content_type: str = "video/mp4"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def commands(store) -> list:
    return store.read(messages.COMMAND_CATEGORY)


def assert_nothing_stored(store, media_root) -> None:
    assert stored_files(media_root) == []
    assert commands(store) == []


def test_the_upload_form(logged_in, store):
    response = logged_in.get("/upload/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="upload-form"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="title"' in html
    assert 'name="file"' in html
    assert "csrfmiddlewaretoken" in html


def test_a_video_is_stored_and_cataloged(logged_in, user, store, media_root, video_bytes):
    response = logged_in.post(
        "/upload/", {"title": "  My holiday  ", "file": video_file(video_bytes)}
    )

    assert response.status_code == 302
    video_id = re.fullmatch(rf"/videos/({UUID})/", response["Location"]).group(1)
    [command] = commands(store)
    assert command.type == "Catalog"
    assert command.stream_name == f"catalog:command-{video_id}"
    uri = command.data.pop("uri")
    assert re.fullmatch(rf"uploads/{video_id}/{ORIGINAL}\.mp4", uri)
    assert command.data == {
        "videoId": video_id,
        "title": "My holiday",
        "description": "",
        "visibility": "public",
    }
    assert uuid.UUID(command.metadata["traceId"])
    assert command.metadata["userId"] == str(user.pk)
    stored = media_root / uri
    assert stored_files(media_root) == [stored]
    assert stored.read_bytes() == video_bytes
    page = logged_in.get(response["Location"])
    assert page.status_code == 200
    assert b'data-status="queued"' in page.content


def test_each_upload_has_its_own_trace(logged_in, store, media_root, video_bytes):
    for _ in range(2):
        logged_in.post("/upload/", {"title": "Again", "file": video_file(video_bytes)})

    traces = {command.metadata["traceId"] for command in commands(store)}
    assert len(traces) == 2


def test_a_large_upload_spooled_to_disk_is_checked_too(
    logged_in, store, media_root, video_bytes, settings
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = logged_in.post("/upload/", {"title": "Spooled", "file": video_file(video_bytes)})

    assert response.status_code == 302
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.mp4", "<script>alert(1)</script>.mp4", "..\\..\\win.ini.mp4", "a\x00.mp4"],
)
def test_hostile_file_names_are_never_used(logged_in, store, media_root, video_bytes, name):
    response = logged_in.post(
        "/upload/", {"title": "Hostile", "file": video_file(video_bytes, name)}
    )

    assert response.status_code == 302
    [command] = commands(store)
    video_id = command.data["videoId"]
    assert re.fullmatch(rf"uploads/{video_id}/{ORIGINAL}\.mp4", command.data["uri"])
    assert stored_files(media_root) == [media_root / command.data["uri"]]
    assert "passwd" not in str(command.data)
    assert "<script>" not in str(command.data)


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.mp4", "<script>alert(1)</script>.mp4"],
)
def test_hostile_names_on_bad_files_are_refused(logged_in, store, media_root, tmp_path, name):
    text = make_not_a_video(tmp_path / "fake.mp4").read_bytes()

    response = logged_in.post("/upload/", {"title": "Hostile", "file": video_file(text, name)})

    assert response.status_code == 400
    assert b"<script>alert(1)" not in response.content
    assert_nothing_stored(store, media_root)


def test_an_empty_file_is_refused(logged_in, store, media_root):
    response = logged_in.post("/upload/", {"title": "Empty", "file": video_file(b"")})

    assert response.status_code == 400
    assert b"The submitted file is empty." in response.content
    assert_nothing_stored(store, media_root)


def test_a_text_file_named_like_a_video_is_refused(logged_in, store, media_root, tmp_path):
    fake = make_not_a_video(tmp_path / "fake.mp4").read_bytes()

    response = logged_in.post("/upload/", {"title": "Fake", "file": video_file(fake)})

    assert response.status_code == 400
    assert b"This file is not a video we can read." in response.content
    assert_nothing_stored(store, media_root)


def test_a_container_that_does_not_decode_is_refused(logged_in, store, media_root, video_bytes):
    truncated = video_bytes[:64] + b"\x00" * 2000

    response = logged_in.post("/upload/", {"title": "Broken", "file": video_file(truncated)})

    assert response.status_code == 400
    assert b"not a video we can read" in response.content
    assert_nothing_stored(store, media_root)


def test_a_playlist_is_refused_before_ffmpeg_reads_it(logged_in, store, media_root):
    playlist = b"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile:///etc/passwd\n"

    response = logged_in.post("/upload/", {"title": "Sneaky", "file": video_file(playlist)})

    assert response.status_code == 400
    assert_nothing_stored(store, media_root)


def test_a_disallowed_extension_is_refused(logged_in, store, media_root, video_bytes):
    response = logged_in.post(
        "/upload/", {"title": "Exe", "file": video_file(video_bytes, "clip.exe")}
    )

    assert response.status_code == 400
    assert b"Please choose a video file" in response.content
    assert_nothing_stored(store, media_root)


def test_a_non_video_content_type_is_refused(logged_in, store, media_root, video_bytes):
    response = logged_in.post(
        "/upload/", {"title": "Typed", "file": video_file(video_bytes, content_type="text/html")}
    )

    assert response.status_code == 400
    assert b"This file is not a video (its type is text/html)." in response.content
    assert_nothing_stored(store, media_root)


def test_a_generic_content_type_is_judged_by_the_content(logged_in, store, media_root, video_bytes):
    upload = video_file(video_bytes, "clip.mkv", content_type="application/octet-stream")

    response = logged_in.post("/upload/", {"title": "Generic", "file": upload})

    assert response.status_code == 302
    assert re.search(rf"/{ORIGINAL}\.mkv$", commands(store)[0].data["uri"])


def test_a_title_is_required(logged_in, store, media_root, video_bytes):
    response = logged_in.post("/upload/", {"title": "   ", "file": video_file(video_bytes)})

    assert response.status_code == 400
    assert_nothing_stored(store, media_root)


def test_a_missing_file_is_refused(logged_in, store, media_root):
    response = logged_in.post("/upload/", {"title": "Nothing"})

    assert response.status_code == 400
    assert_nothing_stored(store, media_root)


def test_too_large_is_413_with_a_clear_message(logged_in, store, media_root, video_bytes, settings):
    settings.MAX_UPLOAD_BYTES = len(video_bytes) - 1

    response = logged_in.post("/upload/", {"title": "Big", "file": video_file(video_bytes)})

    assert response.status_code == 413
    assert b"This file is too large: videos may be at most" in response.content
    assert_nothing_stored(store, media_root)


def test_too_large_by_content_length_is_refused_before_reading(
    logged_in, store, media_root, settings
):
    settings.MAX_UPLOAD_BYTES = 1000
    body = b'--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nBig\r\n--x--\r\n'

    response = logged_in.generic(
        "POST",
        "/upload/",
        body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(10 * 1024 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert b"too large" in response.content
    assert_nothing_stored(store, media_root)


def test_not_logged_in_is_sent_to_log_in(client, store, media_root, video_bytes):
    response = client.post("/upload/", {"title": "Anon", "file": video_file(video_bytes)})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert_nothing_stored(store, media_root)


def test_an_upload_needs_its_csrf_token(user, store, media_root, video_bytes):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    response = strict.post("/upload/", {"title": "Forged", "file": video_file(video_bytes)})

    assert response.status_code == 403
    assert_nothing_stored(store, media_root)


def test_a_malformed_body_is_a_400(logged_in, store, media_root):
    response = logged_in.generic(
        "POST", "/upload/", b"garbage", content_type="multipart/form-data; boundary="
    )

    assert response.status_code == 400
    assert_nothing_stored(store, media_root)


def test_details_and_visibility_go_with_the_upload(logged_in, store, media_root, video_bytes):
    logged_in.post(
        "/upload/",
        {
            "title": "Talk",
            "description": "Slides at\r\nthe end",
            "visibility": "unlisted",
            "file": video_file(video_bytes),
        },
    )

    [command] = commands(store)
    assert command.data["description"] == "Slides at\nthe end"
    assert command.data["visibility"] == "unlisted"


def test_a_refused_file_keeps_what_was_typed(logged_in, store, media_root, tmp_path):
    fake = make_not_a_video(tmp_path / "fake.mp4").read_bytes()

    response = logged_in.post(
        "/upload/",
        {
            "title": "My long title",
            "description": "All I wrote",
            "visibility": "private",
            "file": video_file(fake),
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="My long title"' in html
    assert "All I wrote</textarea>" in html
    assert re.search(r'<input[^>]*value="private"[^>]*checked', html)


def test_the_same_form_sent_twice_makes_one_video(logged_in, store, media_root, video_bytes):
    key = str(uuid.uuid4())
    first = logged_in.post(
        "/upload/", {"title": "Once", "upload_key": key, "file": video_file(video_bytes)}
    )
    second = logged_in.post(
        "/upload/", {"title": "Once", "upload_key": key, "file": video_file(video_bytes)}
    )

    assert first["Location"] == second["Location"]
    assert len(commands(store)) == 1
    assert len(stored_files(media_root)) == 1


def test_the_page_offers_progress_and_a_size_check(logged_in, settings):
    settings.MAX_UPLOAD_BYTES = 1000

    html = logged_in.get("/upload/").content.decode()

    assert 'data-max-bytes="1000"' in html
    assert 'id="upload-progress"' in html
    assert "upload.js" in html
    assert 'name="upload_key"' in html
