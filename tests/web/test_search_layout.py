"""Search reads what the planner counts: a video's search vector, title and file names are kept in
its row, not out of line in the TOAST table (migration 0005_perf), so the planner's cost of a
scan is the real one and it never prefers reading thousands of out-of-line vectors."""

import pytest
from django.db import connection

from tests.web.conftest import make_video

pytestmark = pytest.mark.django_db

SPEECH = " ".join(f"word{n} said" for n in range(400))
"""Four hundred different words: a vector of a few kilobytes, as a few minutes of speech give."""


def layout(video) -> dict[str, bool | int]:
    columns = ("search_vector", "title", "video_name", "poster_name")
    selected = ", ".join(f"pg_column_toast_chunk_id({column}) IS NULL" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_column_size(search_vector), {selected} FROM videos_video WHERE id = %s",
            [video.id],
        )
        size, *in_row = cursor.fetchone()
    return {"vector bytes > 2 kB": size > 2048, **dict(zip(columns, in_row, strict=True))}


def test_a_videos_search_vector_and_short_columns_stay_in_its_row():
    video = make_video(title="Gardens " * 20, transcript=SPEECH)

    assert layout(video) == {
        "vector bytes > 2 kB": True,
        "search_vector": True,
        "title": True,
        "video_name": True,
        "poster_name": True,
    }
