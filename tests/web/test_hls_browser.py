"""In headless Chromium, the video page plays the HLS master playlist (not the MP4 fallback)
and shows the Whisper captions: real ffmpeg ladder, real Whisper cues, real browser.

Debian's Chromium plays HLS natively, so the page needs no player script.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.media_factory import make_spoken_clip
from tests.web.conftest import make_video
from transcode import backend as transcode_backend
from transcribe import backend as transcribe_backend

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SENTENCE = "Please remember to water the green plants in the kitchen every morning."
JOB_ID = "b0000000-0000-4000-8000-000000000001"

WAIT_FOR_PLAYBACK = """async () => {
    const video = document.querySelector('video#player');
    video.muted = true;
    await video.play();
    await new Promise((resolve, reject) => {
        const check = () => (video.currentTime > 1.2 ? resolve() : setTimeout(check, 50));
        video.addEventListener('error', () => reject(new Error('playback failed')));
        check();
    });
    const track = video.textTracks[0];
    track.mode = 'showing';
    await new Promise((resolve) => {
        const check = () => (track.cues && track.cues.length ? resolve() : setTimeout(check, 50));
        check();
    });
    return {
        source: video.currentSrc,
        time: video.currentTime,
        cues: Array.from(track.cues, (cue) => cue.text),
        width: video.videoWidth,
    };
}"""


@pytest.fixture
def ready_video(media_root: Path, tmp_path: Path):
    source_name = "uploads/spoken.mp4"
    (media_root / "uploads").mkdir()
    make_spoken_clip(media_root / source_name, SENTENCE, seconds=6, voice="slt")
    media = transcode_backend.transcode(JOB_ID, source_name)
    speech = transcribe_backend.transcribe(JOB_ID, source_name)
    return make_video(
        video_name=media.video_uri,
        playlist_name=media.playlist_uri,
        poster_name=media.poster_uri,
        captions_name=speech.captions_uri,
        transcript=speech.transcript,
        segments=[cue.as_data() for cue in speech.cues],
        language=speech.language,
        duration_seconds=media.duration_seconds,
        width=media.width,
        height=media.height,
    )


def test_the_page_plays_hls_with_captions(live_server, ready_video) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: ./dev test installs it with apt-get")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"],
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{live_server.url}/videos/{ready_video.id}/")
            played = page.evaluate(WAIT_FOR_PLAYBACK)
        finally:
            browser.close()

    assert played["source"].endswith("/master.m3u8"), played
    assert played["time"] > 1.0
    assert played["width"] > 0
    assert played["cues"], played
    heard = " ".join(played["cues"]).lower()
    assert "plants" in heard
    assert "kitchen" in heard
