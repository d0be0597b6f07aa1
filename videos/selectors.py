"""Reads for the pages: the view data first, the message store only for a video not yet there.

Right after an upload, the web app has written the `Catalog` command but the aggregator may not
have written the row yet; such a video is shown as queued, built from the command itself.
Lists and search show only public, ready videos; an owner sees all of theirs on their own page.
"""

from __future__ import annotations

import functools
import json
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog import messages
from message_store.contracts import MalformedMessageError
from message_store.runtime import get_store
from videos.models import (
    SEARCH_CONFIG,
    SearchEntry,
    TranscriptCue,
    Video,
    clock,
    seconds_param,
)

PAGE_SIZE = 24
SEARCH_PAGE_SIZE = 10
SEARCH_CANDIDATES = 500
"""At most this many matches (the newest) are ranked and paged through."""
MOMENTS_PER_VIDEO = 3
MAX_QUERY_LENGTH = 200
HIGHLIGHT_START, HIGHLIGHT_STOP = "\x02", "\x03"
"""Marks around matched words in headlines; the aggregator keeps them out of stored text, and
the `highlighted` template filter turns them into <mark> after escaping the rest."""

_LONG_COLUMNS = ("transcript", "segments", "description")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def listed_videos() -> QuerySet[Video]:
    """Public, ready videos, newest first, without their long columns."""
    return (
        Video.objects.filter(status=Video.Status.CATALOGED, visibility=Video.Visibility.PUBLIC)
        .select_related("owner")
        .order_by("-created_at", "-id")
        .defer(*_LONG_COLUMNS)
    )


def home_page(page_number: str | int | None, *, per_page: int = PAGE_SIZE) -> Page:
    """One page of the home list; a missing or bad page number gives the nearest valid page."""
    return Paginator(listed_videos(), per_page).get_page(page_number)


def owner_videos(user) -> QuerySet[Video]:
    """Every video of `user` in every state but deleted, newest first."""
    return (
        Video.objects.filter(owner=user)
        .exclude(status=Video.Status.DELETED)
        .order_by("-created_at", "-id")
        .defer("transcript", "segments")
    )


def find_video(video_id: uuid.UUID) -> Video | None:
    """The video's row, or a queued stand-in when only its command is stored, or None."""
    video = Video.objects.select_related("owner").filter(pk=video_id).first()
    return video if video is not None else _queued_video(video_id)


def _queued_video(video_id: uuid.UUID) -> Video | None:
    command = get_store().read_last(messages.command_stream(str(video_id)), "Catalog")
    if command is None:
        return None
    stand_in = Video(id=video_id, status=Video.Status.QUEUED, created_at=command.time)
    owner = command.metadata.get("userId")
    if isinstance(owner, str) and owner.isascii() and owner.isdigit():
        stand_in.owner_id = int(owner)
    try:
        catalog = messages.Catalog.parse(command)
    except MalformedMessageError:
        stand_in.status = Video.Status.FAILED
        stand_in.failure_reason = "The upload could not be cataloged: its request was malformed."
        return stand_in
    stand_in.title = catalog.title[: Video.TITLE_MAX_LENGTH]
    stand_in.description = catalog.description[: Video.DESCRIPTION_MAX_LENGTH]
    if catalog.visibility in Video.Visibility.values:
        stand_in.visibility = catalog.visibility
    else:
        stand_in.visibility = Video.Visibility.PRIVATE
    return stand_in


def video_status(video: Video) -> dict[str, Any]:
    """What the progress page polls for (`status.json`)."""
    return {
        "id": str(video.id),
        "status": video.status,
        "label": video.get_status_display(),
        "step": video.step,
        "steps": len(Video.STEPS) - 1,
        "progress": video.progress_percent,
        "ready": video.is_ready,
        "failed": video.is_failed,
        "reason": video.failure_reason,
        "stalled": is_stalled(video),
    }


def is_stalled(video: Video, *, now=None) -> bool:
    """A step that has not moved for much longer than it should: the allowance is a fixed
    grace plus a factor of the video's duration (settings), since work grows with length."""
    if not video.is_processing:
        return False
    since = video.step_at or video.updated_at or video.created_at
    if since is None:
        return False
    allowance = settings.PROCESSING_STALL_GRACE_SECONDS + settings.PROCESSING_STALL_FACTOR * (
        video.duration_seconds or 0
    )
    return (now or timezone.now()) - since > timedelta(seconds=allowance)


def media_owner(name: str) -> Video | None:
    """The private or deleted video a stored file belongs to, if any (media protection).

    A file belongs to a video when it is one of the names the video's row holds, or lies in
    the folder of one of them, however deep (an HLS segment below its rendition's playlist, a
    poster beside the MP4). Shared top folders (`captions/`) only match by exact name.
    """
    parts = name.split("/")
    folders = ["/".join(parts[:depth]) + "/" for depth in range(2, len(parts))]
    matches = Q()
    for column in ("source_name", "video_name", "poster_name", "captions_name"):
        matches |= Q(**{column: name})
        for folder in folders:
            matches |= Q(**{f"{column}__regex": f"^{re.escape(folder)}[^/]+$"})
    protected = Q(visibility=Video.Visibility.PRIVATE) | Q(status=Video.Status.DELETED)
    fields = ("id", "owner", "visibility", "status")
    return Video.objects.filter(protected).filter(matches).only(*fields).first()


# Search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    start: float
    headline: str

    @property
    def t(self) -> str:
        """The start as the `?t=` of a link: `12.5`, `2`."""
        return seconds_param(self.start)

    @property
    def clock(self) -> str:
        return clock(self.start)


@dataclass
class SearchResult:
    video: Video
    title: str
    description: str
    transcript: str
    moments: list[Moment] = field(default_factory=list)
    owner_name: str = ""

    @functools.cached_property
    def url(self) -> str:
        return self.video.get_absolute_url()


@dataclass(frozen=True)
class SearchPage:
    query: str
    page: Page | None
    results: list[SearchResult]

    @property
    def count(self) -> int:
        return self.page.paginator.count if self.page is not None else 0

    @property
    def capped(self) -> bool:
        """More videos match than are ranked (see SEARCH_CANDIDATES)."""
        return self.count >= SEARCH_CANDIDATES


_RESULT_FIELDS = ("id", "title", "owner_id", "poster_name", "duration_seconds", "created_at")
"""What a result shows of its video, in the model's field order (as `Model.from_db` takes it)."""
_SEARCH_SQL = """
WITH candidates AS MATERIALIZED (
  SELECT e.video_id AS id, e.created_at, ts_rank(e.search_vector, {query}) AS rank
    FROM {entries} e
   WHERE e.search_vector @@ {query}
   ORDER BY e.created_at DESC, e.video_id DESC
   LIMIT %(candidates)s
), ranked AS (
  SELECT id, rank, created_at, count(*) OVER () AS matches,
         row_number() OVER (ORDER BY rank DESC, created_at DESC, id DESC) AS n
    FROM candidates
), numbered AS (
  SELECT *, least(%(page)s, ceil(matches / %(per_page)s::numeric))::int AS page FROM ranked
)
SELECT {fields}, u.{username}, p.matches, p.page,
       ts_headline({config}, v.title, {query}, %(title_options)s),
       CASE WHEN w.described THEN
         ts_headline({config}, v.description, {query}, %(description_options)s) END,
       m.moments,
       CASE WHEN w.said AND m.moments IS NULL THEN
         ts_headline({config}, v.transcript, {query}, %(transcript_options)s) END
  FROM numbered p
  JOIN {entries} e ON e.video_id = p.id
  JOIN {videos} v ON v.id = p.id AND v.status = %(status)s AND v.visibility = %(visibility)s
  LEFT JOIN {users} u ON u.{user_pk} = v.owner_id
  CROSS JOIN LATERAL (
    SELECT ts_filter(e.search_vector, '{{b}}') @@ {query} AS described,
           ts_filter(e.search_vector, '{{c}}') @@ {query} AS said
  ) w
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_array(c.start, ts_headline({config}, c.text, {query},
                                                         %(cue_options)s))
                    ORDER BY c.start, c.position) AS moments
      FROM (SELECT c.start, c.position, c.text
              FROM {cues} c
             WHERE w.said AND c.video_id = v.id AND c.search_vector @@ {query}
             ORDER BY c.start, c.position
             LIMIT %(moments)s) c
  ) m ON true
 WHERE p.n > (p.page - 1) * %(per_page)s AND p.n <= p.page * %(per_page)s
 ORDER BY p.n
"""
"""The whole search in one statement, whatever the number of videos.

1. candidates: the newest SEARCH_CANDIDATES matches among the listed videos' search entries,
   with their rank. A word said in thousands of videos is ranked among its newest matches,
   which bounds the work however large the catalog. The planner picks the search index (few
   matches) or a walk down the newest-first index (many) by their real costs: an entry keeps
   its vector in the row (`SearchEntry`), so what a scan reads is what the planner counts.
2. ranked and numbered: best first, with the number of matches and the page (a page past
   the last gives the last).
3. the page's videos only: their headlines, and up to MOMENTS_PER_VIDEO matching cues in the
   order they are said (found among the video's own cues, never among every matching cue).
   The description's and the transcript's headlines, which read the whole text, are made
   only where the query matches that part (the vector's weight B, C), and the transcript's
   only for a video none of whose cues match (words said across two cues, or no timed
   cues), since the page shows the moments when there are any.
"""


@functools.cache
def _search_sql() -> str:
    quote = connection.ops.quote_name
    users = get_user_model()._meta
    return _SEARCH_SQL.format(
        query="websearch_to_tsquery(%(config)s::regconfig, %(q)s)",
        config="%(config)s::regconfig",
        fields=", ".join(f"v.{quote(column)}" for column in _RESULT_FIELDS),
        entries=quote(SearchEntry._meta.db_table),
        videos=quote(Video._meta.db_table),
        cues=quote(TranscriptCue._meta.db_table),
        users=quote(users.db_table),
        user_pk=quote(users.pk.column),
        username=quote(users.get_field(get_user_model().USERNAME_FIELD).column),
    )


def _headline_options(**options: object) -> str:
    """ts_headline's options, with the marks around matched words."""
    options = {"StartSel": HIGHLIGHT_START, "StopSel": HIGHLIGHT_STOP, **options}
    return ", ".join(f"{name}='{value}'" for name, value in options.items())


_SEARCH_PARAMETERS = {
    "config": SEARCH_CONFIG,
    "status": Video.Status.CATALOGED,
    "visibility": Video.Visibility.PUBLIC,
    "candidates": SEARCH_CANDIDATES,
    "per_page": SEARCH_PAGE_SIZE,
    "moments": MOMENTS_PER_VIDEO,
    "title_options": _headline_options(HighlightAll="true"),
    "cue_options": _headline_options(HighlightAll="true"),
    "description_options": _headline_options(MaxWords=35, MinWords=15, MaxFragments=2),
    "transcript_options": _headline_options(MaxWords=30, MinWords=12, MaxFragments=2),
}


def search(text: str | None, page_number: str | int | None = None) -> SearchPage:
    """Public, ready videos matching `text` (web search syntax: words, "a phrase", -not, or),
    best first, with highlighted headlines and the moments of the transcript that match.

    Any input is valid: an empty or malformed query finds nothing. One query (`_SEARCH_SQL`),
    whatever the number of videos.
    """
    cleaned = clean_query(text)
    if not cleaned:
        return SearchPage(query="", page=None, results=[])
    parameters = {**_SEARCH_PARAMETERS, "q": cleaned, "page": _page_number(page_number)}
    with connection.cursor() as cursor:
        cursor.execute(_search_sql(), parameters)
        rows = cursor.fetchall()
    results = [_result(row) for row in rows]
    paginator = Paginator([], SEARCH_PAGE_SIZE)
    paginator.count = rows[0][len(_RESULT_FIELDS) + 1] if rows else 0
    number = rows[0][len(_RESULT_FIELDS) + 2] if rows else 1
    return SearchPage(query=cleaned, page=Page(results, number, paginator), results=results)


def _result(row: tuple) -> SearchResult:
    fields = len(_RESULT_FIELDS)
    video = Video.from_db(connection.alias, _RESULT_FIELDS, row[:fields])
    video.status, video.visibility = Video.Status.CATALOGED, Video.Visibility.PUBLIC
    owner_name, _, _, title, description, moments, transcript = row[fields:]
    if isinstance(moments, str):
        moments = json.loads(moments)
    return SearchResult(
        video=video,
        title=title,
        description=_if_marked(description),
        transcript=_if_marked(transcript),
        moments=[Moment(start, headline) for start, headline in moments or ()],
        owner_name=owner_name or "",
    )


def _page_number(value: str | int | None) -> int:
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), math.ceil(SEARCH_CANDIDATES / SEARCH_PAGE_SIZE))


def clean_query(text: str | None) -> str:
    if not isinstance(text, str):
        return ""
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_QUERY_LENGTH]


def _if_marked(headline: str | None) -> str:
    """A headline only when the query matched in it (otherwise it is just the first words)."""
    return headline if headline and HIGHLIGHT_START in headline else ""
