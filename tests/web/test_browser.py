"""End to end, as a person uses the site: in headless Chromium, sign up, upload a generated clip
with a spoken sentence, watch the progress page turn into the player, and find the transcript.

Everything is real: the live Django server, the four consumer processes, ffmpeg, Whisper
and the browser (Debian's chromium, driven by Playwright without its own browser download).
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.media_factory import make_spoken_clip

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SENTENCE = "please remember to water the green plants in the kitchen every morning"
COMPONENTS = ("catalog", "transcode", "transcribe", "videos")


@pytest.fixture
def consumers(store_env, settings, tmp_path):
    media_root = tmp_path / "media"
    media_root.mkdir()
    settings.MEDIA_ROOT = media_root
    env = {**store_env, "MEDIA_ROOT": str(media_root), "LOG_LEVEL": "WARNING"}
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "consume", name, "--poll-interval", "1"],
            cwd=ROOT,
            env=env,
        )
        for name in COMPONENTS
    ]
    yield processes
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        assert process.wait(timeout=30) == 0


@pytest.fixture
def browser_page():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: ./dev test installs it with apt-get")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_sign_up_upload_and_watch(live_server, consumers, browser_page, tmp_path):
    page = browser_page
    clip = make_spoken_clip(tmp_path / "holiday.mp4", SENTENCE, seconds=6)

    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("#signup-form [name=username]", "viewer")
    page.fill("#signup-form [name=password1]", "a-long-pass-phrase-42")
    page.fill("#signup-form [name=password2]", "a-long-pass-phrase-42")
    page.click("#signup-form [type=submit]")

    page.goto(f"{live_server.url}/upload/")
    page.fill("#upload-form [name=title]", "Plants")
    page.set_input_files("#upload-form [name=file]", str(clip))
    page.click("#upload-form [type=submit]")
    page.wait_for_url(re.compile(r"/videos/[0-9a-f-]{36}/$"))

    page.wait_for_selector("video#player", timeout=120_000)
    assert page.locator("video#player track[kind=captions]").count() == 1
    duration = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const video = document.querySelector('video#player');
            if (video.readyState >= 1) return resolve(video.duration);
            video.addEventListener('loadedmetadata', () => resolve(video.duration));
            video.addEventListener('error', () => reject(new Error('video failed to load')));
        })"""
    )
    assert 5.0 < duration < 7.5

    transcript = page.locator("#transcript").inner_text().lower()
    said = set(SENTENCE.split())
    heard = set(re.findall(r"[a-z']+", transcript))
    assert len(said & heard) / len(said) >= 0.7, transcript
    assert "Plants" in page.title() or page.locator("text=Plants").count() >= 1
