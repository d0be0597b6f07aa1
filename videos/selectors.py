"""Reads for the pages: the view data first, the message store only for a video not yet there.

Right after an upload, the web app has written the `Catalog` command but the aggregator may not
have written the row yet; such a video is shown as queued, built from the command itself.
Lists and search show only public, ready videos; an owner sees all of theirs on their own page.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from catalog import messages
from message_store.contracts import MalformedMessageError
from message_store.runtime import get_store
from videos.models import SEARCH_CONFIG, TranscriptCue, Video, clock, seconds_param

PAGE_SIZE = 24
SEARCH_PAGE_SIZE = 10
SEARCH_CANDIDATES = 500
"""At most this many matches (the newest) are ranked and paged through."""
PREFER_THE_SEARCH_INDEX = (
    "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true)"
)
"""PostgreSQL's planner does not count the cost of reading each row's TOASTed search vector,
so for a phrase or a fairly common word it may scan every row and read every vector (70 ms at
10,000 videos) where the GIN index finds the few candidates in 1 ms; and it joins the ranked
candidates by hashing the whole listed table (4 ms) rather than looking up a few hundred ids.
Set for the search's own transaction only."""
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


def search(text: str | None, page_number: str | int | None = None) -> SearchPage:
    """Public, ready videos matching `text` (web search syntax: words, "a phrase", -not, or),
    best first, with highlighted headlines and the moments of the transcript that match.

    Any input is valid: an empty or malformed query finds nothing. Three queries, whatever the
    number of videos: the planner settings below, the page (with the number of matches and the
    headlines), its moments.
    Ranking reads each candidate's whole search vector, so a word said in thousands of videos
    is ranked among its newest SEARCH_CANDIDATES matches, which keeps a search fast however
    large the catalog.
    """
    cleaned = clean_query(text)
    if not cleaned:
        return SearchPage(query="", page=None, results=[])
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(PREFER_THE_SEARCH_INDEX)
        return _search(cleaned, page_number)


def _search(cleaned: str, page_number: str | int | None) -> SearchPage:
    query = SearchQuery(cleaned, search_type="websearch", config=SEARCH_CONFIG)
    candidates = (
        listed_videos()
        .filter(search_vector=query)
        .order_by("-created_at", "-id")
        .values("id")[:SEARCH_CANDIDATES]
    )
    ranked = (
        listed_videos()
        .filter(id__in=Subquery(candidates))
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            matches=Window(Count("*")),
            title_headline=_headline("title", query, highlight_all=True),
            description_headline=_headline(
                "description", query, max_words=35, min_words=15, max_fragments=2
            ),
            transcript_headline=_headline(
                "transcript", query, max_words=30, min_words=12, max_fragments=2
            ),
        )
        .order_by("-rank", "-created_at", "-id")
    )
    number = _page_number(page_number)
    videos = _page_of(ranked, number)
    if not videos and number > 1:  # past the last page: show the last one
        number = max(1, math.ceil(ranked.count() / SEARCH_PAGE_SIZE))
        videos = _page_of(ranked, number)
    paginator = Paginator([], SEARCH_PAGE_SIZE)
    paginator.count = videos[0].matches if videos else 0
    page = Page(videos, number, paginator)
    moments = _moments(videos, query)
    results = [
        SearchResult(
            video=video,
            title=video.title_headline,
            description=_if_marked(video.description_headline),
            transcript=_if_marked(video.transcript_headline),
            moments=moments.get(video.id, []),
        )
        for video in videos
    ]
    return SearchPage(query=cleaned, page=page, results=results)


def _page_number(value: str | int | None) -> int:
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), math.ceil(SEARCH_CANDIDATES / SEARCH_PAGE_SIZE))


def _page_of(ranked: QuerySet[Video], number: int) -> list[Video]:
    return list(ranked[(number - 1) * SEARCH_PAGE_SIZE : number * SEARCH_PAGE_SIZE])


def clean_query(text: str | None) -> str:
    if not isinstance(text, str):
        return ""
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_QUERY_LENGTH]


def _headline(column: str, query: SearchQuery, **options: Any) -> SearchHeadline:
    return SearchHeadline(
        column,
        query,
        config=SEARCH_CONFIG,
        start_sel=HIGHLIGHT_START,
        stop_sel=HIGHLIGHT_STOP,
        **options,
    )


def _if_marked(headline: str | None) -> str:
    """A headline only when the query matched in it (otherwise it is just the first words)."""
    return headline if headline and HIGHLIGHT_START in headline else ""


def _moments(videos: list[Video], query: SearchQuery) -> dict[uuid.UUID, list[Moment]]:
    """Up to MOMENTS_PER_VIDEO matching cues per video, in the order they are spoken; only
    those are highlighted (a common word matches many cues)."""
    first_matches = (
        TranscriptCue.objects.filter(video_id__in=[v.id for v in videos], search_vector=query)
        .order_by()
        .annotate(
            nth=Window(RowNumber(), partition_by=[F("video_id")], order_by=[F("start").asc()])
        )
        .filter(nth__lte=MOMENTS_PER_VIDEO)
        .values("pk")
    )
    cues = (
        TranscriptCue.objects.filter(pk__in=Subquery(first_matches))
        .annotate(headline=_headline("text", query, highlight_all=True))
        .order_by("video_id", "start")
        .values("video_id", "start", "headline")
    )
    found: dict[uuid.UUID, list[Moment]] = {}
    for cue in cues:
        found.setdefault(cue["video_id"], []).append(Moment(cue["start"], cue["headline"]))
    return found
