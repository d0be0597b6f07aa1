"""`/videos/<id>/delete/`: a confirmation page, then a POST sends `Delete`; a deleted video's
page answers 410 with a clear page."""

import pytest

from tests.web.conftest import commands_of, make_video

pytestmark = pytest.mark.django_db


def test_the_confirmation_page_sends_nothing(logged_in, user, store):
    video = make_video(owner=user, title="Holiday")

    response = logged_in.get(f"/videos/{video.id}/delete/")

    assert response.status_code == 200
    assert b'id="delete-form"' in response.content
    assert b"Holiday" in response.content
    assert b"cannot be undone" in response.content
    assert commands_of(store, video.id) == []


def test_confirming_sends_delete(logged_in, user, store):
    video = make_video(owner=user, title="Holiday")

    response = logged_in.post(f"/videos/{video.id}/delete/", follow=True)

    assert response.redirect_chain == [("/my/videos/", 302)]
    assert b"is being deleted" in response.content
    [command] = commands_of(store, video.id)
    assert command.type == "Delete"
    assert command.data == {"videoId": str(video.id)}
    assert command.metadata["userId"] == str(user.pk)


def test_a_deleted_video_is_gone(client, user):
    video = make_video(owner=user, status="deleted", title="")

    for path in (f"/videos/{video.id}/", f"/videos/{video.id}/edit/"):
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 410, path
        assert b'id="deleted"' in response.content
        assert b"This video was deleted" in response.content
