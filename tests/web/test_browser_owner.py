"""End to end in headless Chromium, as an owner uses the site: upload a spoken clip and watch
the progress bar, edit its title and description, make it private (another person then gets
404, for the page and its media), and delete it: the page answers 410, its files are gone, and
neither the title's unique word nor the words said in it are left in the view database, the
media folder, the parked messages or `message_store.messages`, while Message DB's functions
still read every one of the video's streams, gapless.

Everything is real: the live server, the four consumers, ffmpeg, speech recognition, Chromium.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from catalog import messages
from catalog.erasure import video_streams
from message_store.messages import NewMessage, new_id
from message_store.models import ParkedMessage
from tests.media_factory import make_spoken_clip
from tests.web.browsers import browser, consumers, log_in, wait_for_metadata
from tests.web.conftest import PASSWORD
from videos.models import TranscriptCue, Video

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser", "consumers"]  # fixtures

WORD = "quokkafestival"
SENTENCE = "the purple elephant dances gracefully under the bright summer moon"
UPLOAD_BYTES_PER_SECOND = 256 * 1024


def until(check, *, timeout: float = 60.0, every: float = 0.5):
    """Poll `check` until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {check.__doc__ or check}")
        time.sleep(every)


def reload_until(page, url: str, predicate, *, timeout: float = 60.0):
    def loaded():
        response = page.goto(url)
        return predicate(response)

    return until(loaded, timeout=timeout)


def watch_upload_progress(page) -> None:
    """Record every percentage the progress bar shows, surviving the redirect that follows."""
    page.evaluate(
        """() => {
            sessionStorage.setItem('seen', '[]');
            const shown = document.getElementById('upload-percent');
            new MutationObserver(() => {
                const seen = JSON.parse(sessionStorage.getItem('seen'));
                seen.push(parseInt(shown.textContent, 10));
                sessionStorage.setItem('seen', JSON.stringify(seen));
            }).observe(shown, {childList: true, characterData: true, subtree: true});
        }"""
    )


def throttle_uploads(page, bytes_per_second: float) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def test_upload_edit_hide_and_delete_with_erasure(
    live_server, consumers, browser, tmp_path, django_user_model, store
):
    django_user_model.objects.create_user("owner", password=PASSWORD)
    django_user_model.objects.create_user("stranger", password=PASSWORD)
    base = live_server.url
    clip = make_spoken_clip(tmp_path / "talk.mp4", SENTENCE, seconds=6)
    page = browser.new_page()
    page.set_default_timeout(30_000)
    log_in(page, base, "owner", PASSWORD)

    # Upload, with a progress bar while the file is sent ---------------------------------
    page.goto(f"{base}/upload/")
    throttle_uploads(page, UPLOAD_BYTES_PER_SECOND)
    watch_upload_progress(page)
    page.fill("#upload-form [name=title]", f"Elephants {WORD}")
    page.fill("#upload-form [name=description]", "A test clip.")
    page.set_input_files("#upload-form [name=file]", str(clip))
    page.click("#upload-form [type=submit]")
    page.wait_for_selector("#upload-progress", state="visible")
    assert page.is_disabled("#upload-button")
    page.wait_for_url(re.compile(r"/videos/[0-9a-f-]{36}/$"), timeout=60_000)
    seen = json.loads(page.evaluate("sessionStorage.getItem('seen')"))
    assert any(0 < value < 100 for value in seen), seen
    throttle_uploads(page, -1)
    video_id = re.search(r"/videos/([0-9a-f-]{36})/", page.url).group(1)
    video_url = f"{base}/videos/{video_id}/"

    page.wait_for_selector("video#player", timeout=180_000)
    wait_for_metadata(page)
    heard = set(re.findall(r"[a-z]+", page.locator("#transcript").inner_text().lower()))
    said = {word for word in SENTENCE.split() if len(word) > 4}
    assert len(said & heard) >= 3, heard
    spoken = sorted(said & heard)

    # Edit the title and the description -------------------------------------------------
    page.click("#edit-link")
    page.fill("#edit-form [name=title]", f"Dancing elephants {WORD}")
    page.fill("#edit-form [name=description]", "Filmed at night.\nUnder the moon.")
    page.click("#edit-form [type=submit]")
    page.wait_for_url(video_url)
    assert "Saved" in page.inner_text("#flash")
    reload_until(page, video_url, lambda _: "Dancing elephants" in page.inner_text("h1"))
    assert page.inner_html("#description").count("<br>") == 1

    # Make it private: a stranger gets the 404 page, for the page and for its media -------
    page.goto(f"{base}/my/videos/")
    page.select_option(f"#visibility-{video_id}", "private")
    page.click(f"li[data-video-id='{video_id}'] .visibility-form button")
    reload_until(page, video_url, lambda _: page.locator("#visibility-badge").count() == 1)
    media_url = page.get_attribute("#download-link", "href")
    assert page.request.get(f"{base}{media_url}").status == 200

    stranger = browser.new_page()
    log_in(stranger, base, "stranger", PASSWORD)
    assert stranger.goto(video_url).status == 404
    assert stranger.locator("#not-found").count() == 1
    assert stranger.request.get(f"{base}{media_url}").status == 404
    stranger.goto(f"{base}/search/?q=elephants")
    assert stranger.locator("#no-results").count() == 1
    stranger.close()

    # A message that gets parked carries the word too ------------------------------------
    store.write(
        NewMessage(
            id=new_id(),
            stream_name=messages.entity_stream(video_id),
            type="Transcoded",
            data={"videoId": video_id, "width": f"wide {WORD}"},
            metadata={"traceId": "trace-of-a-bad-writer"},
        )
    )
    until(lambda: ParkedMessage.objects.filter(stream_name__endswith=video_id).count() >= 2)

    # Delete: a confirmation, then 410, files gone, words gone ---------------------------
    page.goto(video_url)
    page.click("#delete-link")
    page.wait_for_selector("#delete-confirmation")
    page.click("#delete-form [type=submit]")
    page.wait_for_url(f"{base}/my/videos/")
    assert "is being deleted" in page.inner_text("#flash")
    reload_until(page, video_url, lambda response: response.status == 410)
    assert "This video was deleted" in page.inner_text("#deleted")
    until(lambda: store.read_last(messages.entity_stream(video_id), "Erased"))

    media_root = Path(settings.MEDIA_ROOT)
    assert [path for path in media_root.rglob("*") if path.is_file()] == []
    words = [WORD, *spoken]
    for path in media_root.rglob("*"):
        assert not any(word in path.name for word in words)

    row = Video.objects.filter(pk=video_id).values().get()
    assert not any(word in str(row).lower() for word in words), row
    assert row["status"] == Video.Status.DELETED
    assert not TranscriptCue.objects.filter(video_id=video_id).exists()
    for parked in ParkedMessage.objects.all():
        text = f"{parked.data} {parked.metadata} {parked.error}".lower()
        assert not any(word in text for word in words), text

    with store.connection() as connection:
        for word in words:
            found = connection.execute(
                "SELECT stream_name, type FROM message_store.messages"
                " WHERE data::text ILIKE %s OR metadata::text ILIKE %s",
                (f"%{word}%", f"%{word}%"),
            ).fetchall()
            assert found == [], (word, found)
        for stream in video_streams(video_id):
            positions = [
                row[0]
                for row in connection.execute(
                    "SELECT position FROM message_store.get_stream_messages(%s)", (stream,)
                ).fetchall()
            ]
            assert positions == list(range(len(positions))), stream
            assert positions, stream
    assert uuid.UUID(video_id)
