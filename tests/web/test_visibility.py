"""Visibility: public videos are listed and searchable; unlisted ones open from their link but
are never listed; private ones are a 404 for everyone but their owner and staff."""

import pytest

from tests.web.conftest import commands_of, make_video

pytestmark = pytest.mark.django_db


def test_an_unlisted_video_opens_from_its_link(client):
    video = make_video(title="Link only", visibility="unlisted")

    response = client.get(f"/videos/{video.id}/")

    assert response.status_code == 200
    assert b"Link only" in response.content
    assert b'id="visibility-badge"' in response.content


def test_a_private_video_is_not_found_by_others(client, user, other_user):
    video = make_video(title="Mine alone", visibility="private", owner=user)
    client.force_login(other_user)

    for path in (
        f"/videos/{video.id}/",
        f"/videos/{video.id}/edit/",
        f"/videos/{video.id}/delete/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"Mine alone" not in response.content


def test_a_private_video_is_not_found_by_visitors(client, user):
    video = make_video(visibility="private", owner=user)

    assert client.get(f"/videos/{video.id}/").status_code == 404


def test_its_owner_and_staff_see_a_private_video(client, user, staff_user):
    video = make_video(title="Mine alone", visibility="private", owner=user)

    client.force_login(user)
    assert client.get(f"/videos/{video.id}/").status_code == 200
    client.force_login(staff_user)
    assert client.get(f"/videos/{video.id}/").status_code == 200


def test_the_quick_visibility_form_sends_change_visibility(logged_in, user, store):
    video = make_video(owner=user)

    response = logged_in.post(
        f"/videos/{video.id}/visibility/", {"visibility": "unlisted", "next": "/my/videos/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/my/videos/"
    [command] = commands_of(store, video.id)
    assert (command.type, command.data["visibility"]) == ("ChangeVisibility", "unlisted")


def test_the_quick_visibility_form_never_redirects_off_site(logged_in, user, store):
    video = make_video(owner=user)

    response = logged_in.post(
        f"/videos/{video.id}/visibility/", {"visibility": "private", "next": "https://evil.example"}
    )

    assert response["Location"] == f"/videos/{video.id}/"


def test_the_quick_visibility_form_needs_a_post(logged_in, user):
    video = make_video(owner=user)

    assert logged_in.get(f"/videos/{video.id}/visibility/").status_code == 405
