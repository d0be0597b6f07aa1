"""`/my/videos/`: the owner's videos in every state (not deleted), with their tools."""

import pytest

from tests.web.conftest import make_video

pytestmark = pytest.mark.django_db


def test_every_state_with_progress_reason_and_tools(logged_in, user, other_user):
    make_video(owner=user, title="Ready one")
    make_video(owner=user, title="Halfway", status="transcoded", video_name="")
    make_video(owner=user, title="Broken", status="failed", failure_reason="no video stream")
    make_video(owner=user, title="Hidden", visibility="private")
    make_video(owner=user, title="Gone", status="deleted")
    make_video(owner=other_user, title="Not mine")

    response = logged_in.get("/my/videos/")

    html = response.content.decode()
    assert response.status_code == 200
    titles = [video.title for video in response.context["videos"]]
    assert titles == ["Hidden", "Broken", "Halfway", "Ready one"]
    assert "50%" in html
    assert "no video stream" in html
    assert html.count('class="visibility-form"') == 4
    assert html.count("/edit/") == 4
    assert html.count("/delete/") == 4


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/my/videos/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/my/videos/"


def test_the_username_in_the_header_links_here(logged_in):
    html = logged_in.get("/").content.decode()

    assert '<a class="site-nav__user" id="nav-user" href="/my/videos/"' in html
