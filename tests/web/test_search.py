"""`/search/?q=`: full-text search over the titles, descriptions and transcripts of public, ready
videos, best first, highlighted, with the moments where the words are spoken."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.conftest import make_video
from videos.selectors import SEARCH_PAGE_SIZE

pytestmark = pytest.mark.django_db

PLANTS = [
    {"start": 0.0, "end": 2.0, "text": "Good morning everyone."},
    {"start": 2.0, "end": 4.5, "text": "Please water the green plants"},
    {"start": 4.5, "end": 7.0, "text": "in the kitchen every morning."},
    {"start": 12.5, "end": 15.0, "text": "Plants need light as well."},
]


def plants_video(**fields):
    transcript = " ".join(cue["text"] for cue in PLANTS)
    fields = {"title": "Morning routine", "transcript": transcript, "segments": PLANTS, **fields}
    return make_video(**fields)


def found(response) -> list[str]:
    return [result.video.title for result in response.context["search"].results]


def test_a_spoken_word_finds_the_video_and_its_moments(client):
    video = plants_video()

    response = client.get("/search/", {"q": "plants"})

    html = response.content.decode()
    assert response.status_code == 200
    assert found(response) == ["Morning routine"]
    assert f'href="/videos/{video.id}/?t=2"' in html
    assert f'href="/videos/{video.id}/?t=12.5"' in html
    assert "0:12" in html
    assert "<mark>plants</mark>" in html
    assert "<mark>Plants</mark> need light" in html


def test_stemming_finds_other_forms_of_a_word(client):
    plants_video()

    assert found(client.get("/search/", {"q": "planting"})) == ["Morning routine"]


def test_a_phrase_must_be_said_in_that_order(client):
    plants_video()

    assert found(client.get("/search/", {"q": '"green plants"'})) == ["Morning routine"]
    assert found(client.get("/search/", {"q": '"plants green"'})) == []


def test_a_title_match_ranks_above_a_transcript_match(client):
    make_video(title="Talking", transcript="we talk about gardens and gardening here")
    make_video(title="Gardens of the world", transcript="nothing else")

    assert found(client.get("/search/", {"q": "garden"})) == ["Gardens of the world", "Talking"]


def test_a_description_match_is_highlighted(client):
    make_video(title="Trip", description="We went sailing on the lake.\nIt rained.")

    html = client.get("/search/", {"q": "sailing"}).content.decode()

    assert "<mark>sailing</mark>" in html


def test_only_public_ready_videos_are_found(client, user):
    plants_video(title="Public plants")
    for fields in (
        {"visibility": "unlisted"},
        {"visibility": "private", "owner": user},
        {"status": "transcribed"},
        {"status": "failed"},
        {"status": "deleted"},
    ):
        make_video(title=f"Hidden plants {fields}", transcript="plants plants", **fields)
    client.force_login(user)

    assert found(client.get("/search/", {"q": "plants"})) == ["Public plants"]


@pytest.mark.parametrize(
    "q",
    ['"', "'", "&|!", "(((", "-", ":*", "plants:*&!", "a\x00b", "<>", "\\", "x" * 5000, "的"],
)
def test_malformed_queries_find_nothing_or_something_but_never_fail(client, q):
    plants_video()

    response = client.get("/search/", {"q": q})

    assert response.status_code == 200


@pytest.mark.parametrize("q", ["", "   ", "the and of"])
def test_empty_queries_give_an_empty_result(client, q):
    plants_video()

    response = client.get("/search/", {"q": q})

    assert response.status_code == 200
    assert found(response) == []


def test_the_query_and_the_titles_are_escaped(client):
    make_video(title="<script>alert('t')</script> plants")

    asked = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    listed = client.get("/search/", {"q": "plants"}).content.decode()

    assert "<script>alert" not in asked + listed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in asked
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; <mark>plants</mark>" in listed


def test_results_come_in_numbered_pages(client):
    for number in range(SEARCH_PAGE_SIZE + 2):
        make_video(title=f"Plants {number}")

    first = client.get("/search/", {"q": "plants"})
    second = client.get("/search/", {"q": "plants", "page": 2})

    assert len(found(first)) == SEARCH_PAGE_SIZE
    assert len(found(second)) == 2
    assert b'href="?q=plants&amp;page=2"' in first.content


def test_queries_do_not_grow_with_the_catalog(client):
    plants_video()
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "plants"})
    for number in range(40):
        plants_video(title=f"More plants {number}")
    with CaptureQueriesContext(connection) as many:
        client.get("/search/", {"q": "plants"})

    assert len(many) == len(few) == 1


def test_a_match_in_the_title_alone_shows_no_piece_of_transcript_or_description(client):
    plants_video(title="Plants indoors", description="A short film.")

    [result] = client.get("/search/", {"q": "indoors"}).context["search"].results

    assert result.title == "Plants \x02indoors\x03"
    assert (result.description, result.transcript, result.moments) == ("", "", [])


def test_past_the_last_page_the_last_page_is_shown_in_the_same_single_query(client):
    for number in range(SEARCH_PAGE_SIZE + 1):
        make_video(title=f"Plants {number}")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "plants", "page": 7})

    assert len(queries) == 1
    assert response.context["search"].page.number == 2
    assert response.context["search"].count == SEARCH_PAGE_SIZE + 1


def test_every_page_has_a_search_box(client):
    html = client.get("/").content.decode()

    assert 'id="site-search"' in html
    assert 'action="/search/"' in html


def test_words_said_across_two_cues_show_a_piece_of_the_transcript(client):
    plants_video()

    response = client.get("/search/", {"q": '"plants in the kitchen"'})

    [result] = response.context["search"].results
    assert result.moments == []
    assert "<mark>kitchen</mark>" in response.content.decode()
    assert "Said:" in response.content.decode()


def test_a_common_word_shows_at_most_three_moments_per_video(client):
    cues = [{"start": float(n), "end": n + 0.5, "text": f"plants number {n}"} for n in range(8)]
    make_video(title="Many", transcript=" ".join(c["text"] for c in cues), segments=cues)

    [result] = client.get("/search/", {"q": "plants"}).context["search"].results

    assert [moment.start for moment in result.moments] == [0.0, 1.0, 2.0]


@pytest.mark.parametrize(("page", "expected"), [("abc", 1), ("0", 1), ("999", 2), ("-1", 1)])
def test_a_bad_page_number_gives_a_valid_page(client, page, expected):
    for number in range(SEARCH_PAGE_SIZE + 1):
        make_video(title=f"Plants {number}")

    response = client.get("/search/", {"q": "plants", "page": page})

    assert response.status_code == 200
    assert response.context["search"].page.number == expected
    assert found(response)
