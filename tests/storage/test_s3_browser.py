"""End to end on object storage, in headless Chromium: upload through the web, the four
consumers (real ffmpeg, real Whisper) working on the bucket, and the page playing HLS from it
with captions, the bucket on another origin (moto on its own port), as S3 or a CDN would be.

The player's playlists come from the site with signed URIs; segments, poster, captions and the
download come straight from the bucket, whose CORS rules name the site (`manage.py media_cors`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.consumers.processes import ConsumerProcesses
from tests.media_factory import make_spoken_clip
from tests.object_storage import S3Bucket
from tests.web.browsers import browser, browser_page, log_in
from tests.web.conftest import PASSWORD
from tests.web.test_hls_browser import WAIT_FOR_PLAYBACK
from transcode import files

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser", "browser_page"]  # fixtures

SENTENCE = "Please remember to water the green plants in the kitchen every morning."
COMPONENTS = ("catalog", "transcode", "transcribe", "videos")

POSTER_WIDTH = """() => new Promise((resolve) => {
    const image = new Image();
    image.crossOrigin = 'anonymous';
    image.onload = () => resolve(image.naturalWidth);
    image.onerror = () => resolve(0);
    image.src = document.querySelector('video#player').poster;
})"""


@pytest.fixture
def consumers(store_env, s3: S3Bucket, tmp_path: Path) -> Iterator[ConsumerProcesses]:
    processes = ConsumerProcesses(
        {**store_env, **s3.env, "SIMULATED_MEDIA": "false", "LOG_LEVEL": "WARNING"},
        tmp_path / "logs",
    )
    for component in COMPONENTS:
        processes.start(component)
    yield processes
    exits = {process.component: process.terminate() for process in processes.started}
    assert exits == dict.fromkeys(COMPONENTS, 0), processes.logs()


def test_upload_transcode_transcribe_and_play_from_the_bucket(
    live_server, s3: S3Bucket, consumers: ConsumerProcesses, browser_page, user, tmp_path
) -> None:
    files.set_cors([live_server.url])
    page = browser_page
    responses = []
    page.on("response", lambda response: responses.append(response))
    clip = make_spoken_clip(tmp_path / "plants.mp4", SENTENCE, seconds=5, voice="slt")

    log_in(page, live_server.url, user.username, PASSWORD)
    page.goto(f"{live_server.url}/upload/")
    page.fill("#upload-form [name=title]", "Green plants")
    page.set_input_files("#upload-form [name=file]", str(clip))
    page.click("#upload-form [type=submit]")
    page.wait_for_url(re.compile(r"/videos/[0-9a-f-]{36}/$"))
    video_path = page.url.removeprefix(live_server.url)
    page.wait_for_selector("video#player", timeout=150_000)
    played = page.evaluate(WAIT_FOR_PLAYBACK)

    assert played["source"] == f"{live_server.url}{video_path}hls/master.m3u8", played
    assert played["time"] > 1.0
    assert played["width"] in (426, 640)  # the player starts on a low rung
    assert page.evaluate(POSTER_WIDTH) == 640
    heard = " ".join(played["cues"]).lower()
    assert "plants" in heard, played
    assert "kitchen" in heard, played
    from_bucket = [r for r in responses if r.url.startswith(f"{s3.endpoint_url}/{s3.name}/")]
    assert any(r.url.split("?")[0].endswith(".m4s") for r in from_bucket), from_bucket
    assert any(r.url.split("?")[0].endswith(".vtt") for r in from_bucket), from_bucket
    assert all("X-Amz-Signature=" in r.url for r in from_bucket)
    assert [(r.status, r.url) for r in responses if r.status >= 400] == []

    with page.expect_download() as download:
        page.click("#download-link")
    assert download.value.suggested_filename == "Green plants.mp4"
    saved = Path(download.value.path())
    [mp4] = [key for key in s3.object_keys("videos/") if key.endswith("/web.mp4")]
    assert saved.read_bytes() == s3.client().get_object(Bucket=s3.name, Key=mp4)["Body"].read()
