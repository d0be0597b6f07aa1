"""The owner's commands: change the details or the visibility of a video, or delete it.

Each handler reads like the others in the catalog: parse, fetch the video, decide, record one
event with the expected version. Only the owner or staff may command a video, and never a
deleted one; anything else is recorded as `CommandRefused` with the reason, never applied. A
command for a video the catalog has never started names nothing it can record against, so it
is parked with that reason. `Deleted` then drives the erasure (see `catalog.erasure`).
"""

from __future__ import annotations

import logging

from catalog import erasure, messages
from catalog.permissions import may_command
from catalog.projection import Video, projection
from message_store.contracts import MalformedMessageError, MessageData
from message_store.errors import DuplicateMessageIdError, StaleEntityError, VersionConflictError
from message_store.handling import require_stream_id
from message_store.messages import Message, NewMessage, derived_id
from message_store.metadata import follow
from message_store.store import MessageStore

logger = logging.getLogger(__name__)


# The commands --------------------------------------------------------------------------------


def handle_change_details(message: Message, *, store: MessageStore) -> None:
    command = messages.ChangeDetails.parse(message)
    problem = details_problem(command.title, command.description)
    event = messages.DetailsChanged(
        video_id=command.video_id, title=command.title, description=command.description
    )
    _decide(message, store, command.video_id, event, problem)


def handle_change_visibility(message: Message, *, store: MessageStore) -> None:
    command = messages.ChangeVisibility.parse(message)
    problem = None
    if command.visibility not in messages.VISIBILITIES:
        problem = f"visibility must be one of {', '.join(messages.VISIBILITIES)}"
    event = messages.VisibilityChanged(video_id=command.video_id, visibility=command.visibility)
    _decide(message, store, command.video_id, event, problem)


def handle_delete(message: Message, *, store: MessageStore) -> None:
    command = messages.Delete.parse(message)
    _decide(message, store, command.video_id, messages.Deleted(video_id=command.video_id), None)


def details_problem(title: str, description: str) -> str | None:
    """Why these details cannot be kept, or None: the limits the web form enforces too."""
    if not title.strip():
        return "the title is empty"
    if len(title) > messages.TITLE_MAX_LENGTH:
        return f"the title is longer than {messages.TITLE_MAX_LENGTH} characters"
    if len(description) > messages.DESCRIPTION_MAX_LENGTH:
        return f"the description is longer than {messages.DESCRIPTION_MAX_LENGTH} characters"
    if "\x00" in title or "\x00" in description:
        return "the details contain a NUL character"
    return None


def _decide(
    message: Message, store: MessageStore, video_id: str, event: MessageData, problem: str | None
) -> None:
    """Record `event`, or `CommandRefused` when the sender may not or the values are bad."""
    require_stream_id(message, video_id)
    stream = messages.entity_stream(video_id)
    video, version = store.fetch(stream, projection)
    if not video.started:
        raise MalformedMessageError(
            f"{message.type} {message.id}: there is no video {video_id} to command"
        )
    reason = _refusal(video, message) or problem
    if reason is not None:
        logger.info("refused %s %s for video %s: %s", message.type, message.id, video_id, reason)
        event = messages.CommandRefused(video_id=video_id, command=message.type, reason=reason)
    record(store, message, stream, event, expected_version=version)


def _refusal(video: Video, message: Message) -> str | None:
    if video.deleted:
        return "the video is deleted"
    if not may_command(video.owner_id, message.metadata.get("userId")):
        return "only the video's owner or staff may do this"
    return None


def record(
    store: MessageStore, cause: Message, stream: str, event: MessageData, *, expected_version: int
) -> None:
    """Write `event` as caused by `cause`, once. A retry finds its derived id already stored;
    a stream that moved meanwhile means deciding again on fresh state (StaleEntityError)."""
    try:
        store.write(
            NewMessage(
                id=derived_id(event.type_name, cause.id),
                stream_name=stream,
                type=event.type_name,
                data=event.to_data(),
                metadata=follow(cause),
                expected_version=expected_version,
            )
        )
    except DuplicateMessageIdError:
        logger.info("%s for %s was already recorded", event.type_name, cause.id)
    except VersionConflictError as conflict:
        store.entities.forget(stream)
        raise StaleEntityError(
            conflict.stream_name, conflict.expected_version, conflict.actual_version
        ) from conflict


# The catalog's own `Deleted` -----------------------------------------------------------------


def handle_deleted(message: Message, *, store: MessageStore) -> None:
    """Remove the files, erase the streams, then record `Erased` (a retry redoes the work,
    which is idempotent, until `Erased` is there)."""
    deleted = messages.Deleted.parse(message)
    video, version = store.fetch(message.stream_name, projection)
    if video.erased:
        logger.info("video %s already erased; skipping", deleted.video_id)
        return
    result = erasure.erase_video(store, deleted.video_id, video.files)
    erased = messages.Erased(
        video_id=deleted.video_id, messages=result.messages, files=result.files
    )
    record(store, message, message.stream_name, erased, expected_version=version)
