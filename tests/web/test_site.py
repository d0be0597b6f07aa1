"""What every page shares: a favicon, a search box, a footer that speaks to users."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_favicon(client):
    html = client.get("/").content.decode()
    redirect = client.get("/favicon.ico")
    icon = client.get("/static/videos/favicon.svg")

    assert 'rel="icon" href="/static/videos/favicon.svg"' in html
    assert redirect.status_code == 301
    assert redirect["Location"] == "/static/videos/favicon.svg"
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


def test_the_footer_speaks_to_people(client, user):
    visitor = client.get("/").content.decode()
    client.force_login(user)
    member = client.get("/").content.decode()

    assert "with captions and a transcript you can search" in visitor
    assert "Event-sourced" not in visitor
    assert 'href="/accounts/password_reset/"' in visitor
    assert 'href="/my/videos/"' in member
    assert 'href="/accounts/password_change/"' in member
