"""In headless Chromium: search for a word that is said in a video and land on the video at that
moment; click a cue of the interactive transcript to seek; share a link at the current time; and
the phone layout keeps the header clear of the top edge.

The video is a real MP4 served by the live server; its view row (with timed cues, as the
aggregator writes them from `Transcribed.segments`) is made directly, so this test needs no
speech recognition and runs in seconds.
"""

from __future__ import annotations

import pytest

from tests.media_factory import make_silent_clip
from tests.web.browsers import PHONE, browser, browser_page, wait_for_metadata
from tests.web.conftest import make_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser", "browser_page"]  # fixtures

CUES = [
    {"start": 0.0, "end": 3.0, "text": "Welcome to the harbour tour."},
    {"start": 3.0, "end": 6.5, "text": "On the left you see the old boats."},
    {"start": 6.5, "end": 9.0, "text": "Straight ahead stands the lighthouse."},
    {"start": 9.0, "end": 11.5, "text": "Thank you for coming along."},
]


@pytest.fixture
def harbour(media_root):
    clip = media_root / "videos" / "tour" / "web.mp4"
    clip.parent.mkdir(parents=True)
    make_silent_clip(clip, seconds=12)
    return make_video(
        title="Harbour tour",
        video_name="videos/tour/web.mp4",
        poster_name="",
        captions_name="",
        duration_seconds=12.0,
        width=640,
        height=360,
        transcript=" ".join(cue["text"] for cue in CUES),
        segments=CUES,
    )


def current_time(page) -> float:
    return page.evaluate("document.querySelector('video#player').currentTime")


def test_search_a_spoken_word_and_land_at_that_moment(live_server, browser_page, harbour):
    page = browser_page
    page.goto(live_server.url)

    page.fill("#site-search-q", "lighthouse")
    page.press("#site-search-q", "Enter")
    moment = page.locator(".moment").first
    assert "lighthouse" in moment.inner_text().lower()
    assert page.locator(".moment mark").first.inner_text().lower() == "lighthouse"
    moment.click()

    page.wait_for_url(f"{live_server.url}/videos/{harbour.id}/?t=6.5")
    wait_for_metadata(page)
    page.wait_for_function(
        "Math.abs(document.querySelector('video#player').currentTime - 6.5) < 0.6"
    )
    assert abs(current_time(page) - 6.5) < 0.6


def test_click_a_cue_to_seek_and_see_it_highlighted(live_server, browser_page, harbour):
    page = browser_page
    page.goto(f"{live_server.url}/videos/{harbour.id}/")
    wait_for_metadata(page)

    page.click(".cue[data-start='9']")

    page.wait_for_function("Math.abs(document.querySelector('video#player').currentTime - 9) < 1")
    page.wait_for_selector(".cue--current[data-start='9']")
    assert page.locator(".cue--current").count() == 1
    assert "t=9" in page.url

    page.evaluate("document.querySelector('video#player').pause()")
    page.click("#share-button")
    link = page.input_value("#share-link")
    assert link.startswith(f"{live_server.url}/videos/{harbour.id}/?t=")
    assert int(link.rsplit("=", 1)[1]) in (9, 10)


def test_the_download_link_serves_the_mp4(live_server, browser_page, harbour):
    page = browser_page
    page.goto(f"{live_server.url}/videos/{harbour.id}/")

    href = page.get_attribute("#download-link", "href")
    response = page.request.get(f"{live_server.url}{href}")

    assert href == "/media/videos/tour/web.mp4"
    assert response.status == 200
    assert response.headers["content-type"] == "video/mp4"


def test_on_a_phone_the_header_keeps_clear_of_the_top_edge(live_server, browser, harbour):
    page = browser.new_page(**PHONE)
    page.goto(f"{live_server.url}/videos/{harbour.id}/")

    brand = page.locator(".brand").bounding_box()
    search = page.locator("#site-search").bounding_box()
    width = page.evaluate("document.documentElement.scrollWidth")

    assert brand["y"] >= 8
    assert search["y"] > brand["y"] + brand["height"] - 1  # the search box has a row of its own
    assert width <= PHONE["viewport"]["width"]  # nothing sticks out sideways
    page.close()
