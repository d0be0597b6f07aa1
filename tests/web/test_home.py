"""The home page: every video, newest first, paginated, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.conftest import make_video
from videos.selectors import PAGE_SIZE

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [video.title for video in response.context["videos"]]


def test_an_empty_catalog_invites_an_upload(client):
    response = client.get("/")

    assert response.status_code == 200
    assert b'id="empty-catalog"' in response.content
    assert b'href="/upload/"' in response.content


def test_newest_first_with_poster_title_duration_uploader_and_date(client, user):
    make_video(title="Older", owner=user)
    make_video(title="Newer", poster_name="", duration_seconds=None)

    response = client.get("/")

    assert titles(response) == ["Newer", "Older"]
    html = response.content.decode()
    assert html.index("Newer") < html.index("Older")
    assert 'src="/media/videos/x/poster.jpg"' in html
    assert "1:15" in html
    assert "ada · " in html
    assert "1 Jan 2026" in html


def test_only_public_ready_videos_are_listed(client):
    make_video(title="Ready and public")
    make_video(title="Still transcoding", status="transcoded")
    make_video(title="Broken", status="failed", failure_reason="boom")
    make_video(title="Hidden", visibility="private")
    make_video(title="Link only", visibility="unlisted")
    make_video(title="Gone", status="deleted")

    response = client.get("/")

    assert titles(response) == ["Ready and public"]
    for title in (b"Still transcoding", b"Broken", b"Hidden", b"Link only", b"Gone"):
        assert title not in response.content


def test_pages_of_the_list(client):
    for number in range(PAGE_SIZE + 3):
        make_video(title=f"Video number {number:02}")

    first = client.get("/")
    second = client.get("/?page=2")

    assert titles(first)[0] == f"Video number {PAGE_SIZE + 2:02}"
    assert len(titles(first)) == PAGE_SIZE
    assert titles(second) == [f"Video number {n:02}" for n in (2, 1, 0)]
    assert b'rel="next"' in first.content
    assert b'rel="prev"' in second.content


@pytest.mark.parametrize(("page", "expected"), [("abc", 1), ("0", 2), ("999", 2), ("-1", 2)])
def test_a_bad_page_number_gives_a_valid_page(client, page, expected):
    for _ in range(PAGE_SIZE + 1):
        make_video()

    response = client.get("/", {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == expected


def test_titles_are_escaped(client):
    make_video(title="<script>alert(1)</script>")

    response = client.get("/")

    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;alert(1)" in response.content


def test_queries_do_not_grow_with_the_catalog(client):
    make_video()
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(60):
        make_video()
    with CaptureQueriesContext(connection) as many:
        client.get("/?page=2")

    assert len(many) == len(few) <= 2
