"""End to end, as a person uses the site: in headless Chromium, sign up, upload a generated clip
with a spoken sentence, watch the progress page turn into the player, and find the transcript.

Everything is real: the live Django server, the four consumer processes, ffmpeg, Whisper
and the browser (Debian's chromium, driven by Playwright without its own browser download).
"""

from __future__ import annotations

import re

import pytest

from tests.media_factory import make_spoken_clip
from tests.web.browsers import browser, browser_page, consumers, wait_for_metadata

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser", "browser_page", "consumers"]  # fixtures

SENTENCE = "please remember to water the green plants in the kitchen every morning"


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
    duration = wait_for_metadata(page)
    assert 5.0 < duration < 7.5

    transcript = page.locator("#transcript").inner_text().lower()
    said = set(SENTENCE.split())
    heard = set(re.findall(r"[a-z']+", transcript))
    assert len(said & heard) / len(said) >= 0.7, transcript
    assert "Plants" in page.title() or page.locator("text=Plants").count() >= 1
