"""Search entries: the database keeps one per listed (public, ready) video, with its words, in the
statement that changes the video row, whoever writes it; and keeps the vector in the entry's row,
not out of line, so the planner's cost of a scan is the real one."""

import pytest
from django.db import connection

from tests.web.conftest import make_video
from videos.models import SearchEntry, Video

pytestmark = pytest.mark.django_db

SPEECH = " ".join(f"word{n} said" for n in range(400))
"""Four hundred different words: a vector of a few kilobytes, as a few minutes of speech give."""


def entry_words(video) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(lexeme ORDER BY lexeme) FROM videos_searchentry,"
            " unnest(search_vector) WHERE video_id = %s",
            [video.id],
        )
        return set(cursor.fetchone()[0] or ())


def test_a_ready_public_video_has_an_entry_with_its_title_description_and_speech():
    video = make_video(title="Gardens", description="Roses", transcript="tulips bloom")

    assert entry_words(video) == {"garden", "rose", "tulip", "bloom"}
    assert SearchEntry.objects.get(pk=video.id).created_at == video.created_at


def test_deleting_a_listed_video_removes_its_entry():
    video = make_video(title="Gardens")

    Video.objects.filter(pk=video.pk).update(status=Video.Status.DELETED, title="")

    assert not SearchEntry.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Video.Status.TRANSCRIBED},
        {"status": Video.Status.FAILED},
        {"status": Video.Status.DELETED},
        {"visibility": Video.Visibility.UNLISTED},
        {"visibility": Video.Visibility.PRIVATE},
    ],
)
def test_a_video_that_is_not_listed_has_no_entry(fields):
    make_video(**fields)

    assert not SearchEntry.objects.exists()


def test_a_video_gets_its_entry_when_it_becomes_ready_and_loses_it_when_hidden():
    video = make_video(status=Video.Status.TRANSCRIBED, title="Gardens")

    Video.objects.filter(pk=video.pk).update(status=Video.Status.CATALOGED)
    assert entry_words(video) == {"garden", "hello"}

    Video.objects.filter(pk=video.pk).update(visibility=Video.Visibility.PRIVATE)
    assert not SearchEntry.objects.exists()

    Video.objects.filter(pk=video.pk).update(visibility=Video.Visibility.PUBLIC)
    assert entry_words(video) == {"garden", "hello"}


def test_new_words_replace_the_old_ones():
    video = make_video(title="Gardens", transcript="tulips")

    Video.objects.filter(pk=video.pk).update(title="Kitchens", description="Knives")

    assert entry_words(video) == {"kitchen", "knive", "tulip"}


def test_a_removed_row_takes_its_entry_along():
    kept, removed = make_video(), make_video()
    with connection.cursor() as cursor:  # as the rebuild removes rows the store no longer backs
        cursor.execute("DELETE FROM videos_video WHERE id = %s", [removed.id])
    Video.objects.filter(pk=kept.pk).delete()

    assert not SearchEntry.objects.exists()


def test_the_vector_stays_in_the_entrys_row():
    video = make_video(transcript=SPEECH)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(search_vector), pg_column_toast_chunk_id(search_vector)"
            " FROM videos_searchentry WHERE video_id = %s",
            [video.id],
        )
        size, chunk = cursor.fetchone()
    assert size > 2048  # beyond what PostgreSQL keeps in a row by default
    assert chunk is None
