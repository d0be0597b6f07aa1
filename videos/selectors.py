"""Reads for the pages: the view data first, the message store only for a video not yet there.

Right after an upload, the web app has written the `Catalog` command but the aggregator may not
have written the row yet; such a video is shown as queued, built from the command itself.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from catalog import messages
from message_store.contracts import MalformedMessageError
from message_store.runtime import get_store
from videos.models import Video

PAGE_SIZE = 24


def newest_videos() -> QuerySet[Video]:
    """Every video, newest first, without the (long) transcript."""
    return Video.objects.order_by("-created_at", "-id").defer("transcript")


def home_page(page_number: str | int | None, *, per_page: int = PAGE_SIZE) -> Page:
    """One page of the home list; a missing or bad page number gives the nearest valid page."""
    return Paginator(newest_videos(), per_page).get_page(page_number)


def find_video(video_id: uuid.UUID) -> Video | None:
    """The video's row, or a queued stand-in when only its command is stored, or None."""
    video = Video.objects.select_related("owner").filter(pk=video_id).first()
    return video if video is not None else _queued_video(video_id)


def _queued_video(video_id: uuid.UUID) -> Video | None:
    command = get_store().read_last(messages.command_stream(str(video_id)))
    if command is None:
        return None
    stand_in = Video(id=video_id, status=Video.Status.QUEUED, created_at=command.time)
    try:
        stand_in.title = messages.Catalog.parse(command).title[: Video.TITLE_MAX_LENGTH]
    except MalformedMessageError:
        stand_in.status = Video.Status.FAILED
        stand_in.failure_reason = "The upload could not be cataloged: its request was malformed."
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
    }
