"""In headless Chromium at a phone's size: an owner's list of videos keeps its shape (a small
poster beside each title, the owner's tools on a row below) and nothing sticks out sideways."""

from __future__ import annotations

import pytest

from tests.web.browsers import PHONE, browser, log_in
from tests.web.conftest import PASSWORD, make_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser"]  # fixtures


def test_my_videos_on_a_phone_keep_the_poster_beside_the_title(live_server, browser, user):
    make_video(owner=user, title="A walk along the harbour wall on a windy afternoon")
    make_video(owner=user, title="Garden", status="failed", failure_reason="no video stream")
    page = browser.new_page(**PHONE)
    log_in(page, live_server.url, user.username, PASSWORD)
    page.goto(f"{live_server.url}/my/videos/")

    cards = page.locator(".my-video")
    assert cards.count() == 2
    for index in range(2):
        card = cards.nth(index)
        poster = card.locator(".my-video__poster").bounding_box()
        title = card.locator(".my-video__title").bounding_box()
        actions = card.locator(".my-video__actions").bounding_box()
        assert title["x"] >= poster["x"] + poster["width"]  # beside, not below
        assert title["y"] < poster["y"] + poster["height"]
        assert actions["y"] >= poster["y"] + poster["height"]  # the tools have their own row
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    page.close()
