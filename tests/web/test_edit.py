"""`/videos/<id>/edit/`: the owner (or staff) changes the title, description and visibility by
sending the catalog `ChangeDetails` / `ChangeVisibility`; the page never writes view data."""

import re

import pytest

from tests.web.conftest import commands_of, make_video

pytestmark = pytest.mark.django_db


def edit_url(video) -> str:
    return f"/videos/{video.id}/edit/"


def test_the_form_shows_the_current_details(logged_in, user, store):
    video = make_video(owner=user, title="Old", description="Said before", visibility="unlisted")

    response = logged_in.get(edit_url(video))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="edit-form"' in html
    assert 'value="Old"' in html
    assert "Said before</textarea>" in html
    assert re.search(r'<input[^>]*value="unlisted"[^>]*checked', html)


def test_saving_sends_change_details(logged_in, user, store):
    video = make_video(owner=user, title="Old")

    response = logged_in.post(
        edit_url(video),
        {"title": " New title ", "description": "Line one\r\nLine two", "visibility": "public"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/videos/{video.id}/"
    [command] = commands_of(store, video.id)
    assert command.type == "ChangeDetails"
    assert command.data == {
        "videoId": str(video.id),
        "title": "New title",
        "description": "Line one\nLine two",
    }
    assert command.metadata["userId"] == str(user.pk)
    video.refresh_from_db()
    assert video.title == "Old"  # the aggregator changes it, when the catalog agrees


def test_changing_only_the_visibility_sends_only_that(logged_in, user, store):
    video = make_video(owner=user, title="Same", description="")

    logged_in.post(edit_url(video), {"title": "Same", "description": "", "visibility": "private"})

    [command] = commands_of(store, video.id)
    assert command.type == "ChangeVisibility"
    assert command.data["visibility"] == "private"


@pytest.mark.parametrize(
    "form",
    [
        {"title": "", "description": "", "visibility": "public"},
        {"title": "x" * 201, "description": "", "visibility": "public"},
        {"title": "Fine", "description": "y" * 5001, "visibility": "public"},
        {"title": "Fine", "description": "", "visibility": "everyone"},
    ],
)
def test_bad_details_are_explained_and_nothing_is_sent(logged_in, user, store, form):
    video = make_video(owner=user)

    response = logged_in.post(edit_url(video), form)

    assert response.status_code == 400
    assert b'class="field__error"' in response.content
    assert commands_of(store, video.id) == []


def test_control_characters_are_removed_from_plain_text(logged_in, user, store):
    video = make_video(owner=user)

    logged_in.post(
        edit_url(video),
        {"title": "Tab\tand\x07bell", "description": "a\x1bb", "visibility": "public"},
    )

    [command] = commands_of(store, video.id)
    assert command.data["title"] == "Tab\tandbell"
    assert command.data["description"] == "ab"


def test_the_description_is_shown_with_line_breaks_and_escaped(client, user):
    video = make_video(owner=user, description="<b>bold</b>\nsecond line")

    html = client.get(f"/videos/{video.id}/").content.decode()

    assert "&lt;b&gt;bold&lt;/b&gt;<br>second line" in html


def test_staff_may_edit_anyones_video(client, user, staff_user, store):
    video = make_video(owner=user, title="Theirs")
    client.force_login(staff_user)

    response = client.post(
        edit_url(video), {"title": "Moderated", "description": "", "visibility": "public"}
    )

    assert response.status_code == 302
    assert commands_of(store, video.id)[0].metadata["userId"] == str(staff_user.pk)
