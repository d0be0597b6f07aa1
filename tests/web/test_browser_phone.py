"""In headless Chromium at a phone's size: an owner's list of videos keeps its shape (a small
poster beside each title, the owner's tools on a row below) and nothing sticks out sideways."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.web.browsers import PHONE, browser
from tests.web.conftest import make_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser"]  # fixtures


def logged_in_phone(browser, live_server, user):
    """A phone-sized page with `user`'s session (Django's own login, no form to fill)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**PHONE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_my_videos_on_a_phone_keep_the_poster_beside_the_title(live_server, browser, user):
    make_video(owner=user, title="A walk along the harbour wall on a windy afternoon")
    make_video(owner=user, title="Garden", status="failed", failure_reason="no video stream")
    page = logged_in_phone(browser, live_server, user)
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
    page.context.close()
