"""Fixtures for browser tests: headless Chromium (Debian's, driven by Playwright without its own
browser download), and the four consumer processes running against the test databases."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
COMPONENTS = ("catalog", "transcode", "transcribe", "videos")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


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
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls from the test itself; the test is still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: ./dev test installs it with apt-get")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield launched
        launched.close()
        # While Playwright's sync API runs, this thread has a running asyncio loop, so Django's
        # connection handler (asgiref's thread-critical Local) keeps the connections the test
        # opens per contextvars context, not per thread: the teardown that drops the test
        # databases, after the loop has stopped, never sees them ("is being accessed by other
        # users"). Close them here, while they are still the current ones.
        connections.close_all()


@pytest.fixture
def browser_page(browser):
    page = browser.new_page()
    page.set_default_timeout(30_000)
    return page


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#login-form [name=username]", username)
    page.fill("#login-form [name=password]", password)
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"{base_url}/")


def wait_for_metadata(page) -> float:
    """Wait until the player knows its duration; return the duration."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const video = document.querySelector('video#player');
            if (video.readyState >= 1) return resolve(video.duration);
            video.addEventListener('loadedmetadata', () => resolve(video.duration));
            video.addEventListener('error', () => reject(new Error('video failed to load')));
        })"""
    )
