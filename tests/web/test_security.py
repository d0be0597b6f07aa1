"""Security: only the owner (or staff) may change a video, every form needs its CSRF token, and
a private video never leaks through its page, lists, search, status.json or its media files."""

import pytest
from django.test import Client

from tests.web.conftest import PASSWORD, commands_of, make_video

pytestmark = pytest.mark.django_db

OWNER_PAGES = ("edit/", "delete/")


@pytest.mark.parametrize("page", OWNER_PAGES)
def test_someone_else_gets_403_and_sends_nothing(client, user, other_user, store, page):
    video = make_video(owner=user)
    client.force_login(other_user)

    got = client.get(f"/videos/{video.id}/{page}")
    posted = client.post(
        f"/videos/{video.id}/{page}",
        {"title": "Hijacked", "description": "", "visibility": "public"},
    )

    assert got.status_code == 403
    assert posted.status_code == 403
    assert b'id="forbidden"' in posted.content
    assert commands_of(store, video.id) == []


def test_someone_else_cannot_change_the_visibility(client, user, other_user, store):
    video = make_video(owner=user)
    client.force_login(other_user)

    response = client.post(f"/videos/{video.id}/visibility/", {"visibility": "private"})

    assert response.status_code == 403
    assert commands_of(store, video.id) == []


@pytest.mark.parametrize("page", [*OWNER_PAGES, "visibility/"])
def test_visitors_are_sent_to_log_in(client, user, store, page):
    video = make_video(owner=user)

    response = client.post(f"/videos/{video.id}/{page}", {"visibility": "private"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert commands_of(store, video.id) == []


def test_the_owner_sees_the_tools_and_others_do_not(client, user, other_user):
    video = make_video(owner=user)

    client.force_login(other_user)
    theirs = client.get(f"/videos/{video.id}/").content
    client.force_login(user)
    mine = client.get(f"/videos/{video.id}/").content

    assert b'id="owner-actions"' in mine
    assert b'id="owner-actions"' not in theirs


@pytest.fixture
def strict(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("edit/", {"title": "Forged", "description": "", "visibility": "public"}),
        ("visibility/", {"visibility": "private"}),
        ("delete/", {}),
    ],
)
def test_every_owner_form_needs_its_csrf_token(strict, user, store, path, form):
    video = make_video(owner=user)

    response = strict.post(f"/videos/{video.id}/{path}", form)

    assert response.status_code == 403
    assert commands_of(store, video.id) == []


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/accounts/logout/", {}),
        (
            "/accounts/password_change/",
            {"old_password": PASSWORD, "new_password1": "x" * 20, "new_password2": "x" * 20},
        ),
        ("/accounts/password_reset/", {"email": "ada@example.com"}),
        ("/accounts/signup/", {"username": "eve", "password1": PASSWORD, "password2": PASSWORD}),
    ],
)
def test_every_account_form_needs_its_csrf_token(strict, path, form):
    assert strict.post(path, form).status_code == 403


def test_every_form_on_the_pages_carries_a_csrf_token(client, user):
    video = make_video(owner=user)
    client.force_login(user)

    paths = ["/", "/my/videos/", "/upload/", "/accounts/password_change/"]
    paths += [f"/videos/{video.id}/{page}" for page in ("", "edit/", "delete/")]
    for path in paths:
        html = client.get(path).content.decode()
        posts = html.count('method="post"')
        assert posts, path
        assert html.count("csrfmiddlewaretoken") == posts, path


# Private videos never leak -----------------------------------------------------------------


@pytest.fixture
def private(user, media_root):
    video = make_video(
        owner=user,
        title="Secret garden",
        transcript="the secret garden",
        visibility="private",
        video_name="videos/private1/web.mp4",
        poster_name="videos/private1/poster.jpg",
        captions_name="captions/private1.vtt",
    )
    for name in (
        video.video_name,
        video.poster_name,
        video.captions_name,
        "videos/private1/hls/360p/segment0.m4s",
        "videos/public1/web.mp4",
    ):
        path = media_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"secret bytes")
    return video


def test_not_in_lists_or_search(client, other_user, private):
    client.force_login(other_user)

    pages = [
        client.get(path, query)
        for path, query in (("/", {}), ("/search/", {"q": "secret"}), ("/my/videos/", {}))
    ]

    for page in pages:
        assert b"Secret garden" not in page.content


def test_status_json_is_a_404_for_others(client, other_user, private):
    client.force_login(other_user)

    response = client.get(f"/videos/{private.id}/status.json")

    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize(
    "name",
    [
        "videos/private1/web.mp4",
        "videos/private1/./web.mp4",
        "videos//private1/web.mp4",
        "videos/public1/../private1/web.mp4",
        "videos/private1/poster.jpg",
        "captions/private1.vtt",
        "videos/private1/hls/360p/segment0.m4s",
    ],
)
def test_its_media_files_are_a_404_for_others(client, user, other_user, private, name):
    client.force_login(other_user)
    theirs = client.get(f"/media/{name}")
    ranged = client.get(f"/media/{name}", HTTP_RANGE="bytes=0-3")
    client.logout()
    anonymous = client.get(f"/media/{name}")
    client.force_login(user)
    mine = client.get(f"/media/{name}")

    assert (theirs.status_code, ranged.status_code, anonymous.status_code) == (404, 404, 404)
    assert mine.status_code == 200
    assert b"".join(mine.streaming_content) == b"secret bytes"


def test_staff_may_fetch_the_media_of_a_private_video(client, staff_user, private):
    client.force_login(staff_user)

    assert client.get(f"/media/{private.video_name}").status_code == 200


def test_media_of_public_videos_stay_public(client, private):
    assert client.get("/media/videos/public1/web.mp4").status_code == 200
