"""Writes of the web app. It never changes view data itself: it stores an upload and writes
commands to the video's command stream (`Catalog`, and the owner's `ChangeDetails`,
`ChangeVisibility`, `Delete`); the catalog decides and the rest happens in the consumers."""

from __future__ import annotations

import logging
import secrets
import uuid

from django.core.files.uploadedfile import UploadedFile

from catalog import messages
from message_store.contracts import MessageData
from message_store.errors import MessageStoreError, VersionConflictError
from message_store.messages import NewMessage, derived_id, new_id
from message_store.runtime import get_store
from transcode import files

logger = logging.getLogger(__name__)

NEW_STREAM = -1


def upload_name(video_id: uuid.UUID, extension: str) -> str:
    """Where an upload is stored: a generated name, never the user's file name, and a new one
    at every attempt: object storage overwrites, so a resent form that finds its video already
    there must delete its own copy, never the file the first attempt stored."""
    return f"uploads/{video_id}/original-{secrets.token_hex(4)}{extension}"


def video_upload(
    *,
    title: str,
    upload: UploadedFile,
    extension: str,
    user_id: str,
    trace_id: str,
    description: str = "",
    visibility: str = messages.PUBLIC,
    upload_key: uuid.UUID | None = None,
) -> uuid.UUID:
    """Store a checked upload and write its `Catalog` command; return the new video's id.

    The form's `upload_key` makes a second submission of the same form (a double click, a
    resent request) find the video the first one created instead of making another. If the
    file cannot be stored, `files.StorageUnavailable` is raised and no command written; if the
    command cannot be written, the stored file is removed again and the error raised.
    """
    video_id = uuid.uuid4() if upload_key is None else upload_video_id(user_id, upload_key)
    name = files.store_upload(upload, upload_name(video_id, extension))
    command = messages.Catalog(
        video_id=str(video_id),
        uri=name,
        title=title,
        description=description,
        visibility=visibility,
    )
    try:
        _send(video_id, command, user_id=user_id, trace_id=trace_id, expected_version=NEW_STREAM)
    except VersionConflictError:
        files.delete(name)
        logger.info("video %s was already uploaded with this form", video_id)
        return video_id
    except MessageStoreError:
        files.delete(name)
        raise
    logger.info("video %s uploaded by user %s [trace=%s]", video_id, user_id, trace_id)
    return video_id


def upload_video_id(user_id: str, upload_key: uuid.UUID) -> uuid.UUID:
    """The video id of one upload form: derived from its key and its user, so that nobody can
    choose another person's video id."""
    return uuid.UUID(derived_id("upload", user_id, upload_key))


def video_change_details(
    *, video_id: uuid.UUID, title: str, description: str, user_id: str, trace_id: str
) -> None:
    command = messages.ChangeDetails(video_id=str(video_id), title=title, description=description)
    _send(video_id, command, user_id=user_id, trace_id=trace_id)


def video_change_visibility(
    *, video_id: uuid.UUID, visibility: str, user_id: str, trace_id: str
) -> None:
    command = messages.ChangeVisibility(video_id=str(video_id), visibility=visibility)
    _send(video_id, command, user_id=user_id, trace_id=trace_id)


def video_delete(*, video_id: uuid.UUID, user_id: str, trace_id: str) -> None:
    _send(video_id, messages.Delete(video_id=str(video_id)), user_id=user_id, trace_id=trace_id)


def _send(
    video_id: uuid.UUID,
    command: MessageData,
    *,
    user_id: str,
    trace_id: str,
    expected_version: int | None = None,
) -> None:
    """Write a command to the video's command stream, from `user_id`, in trace `trace_id`."""
    get_store().write(
        NewMessage(
            id=new_id(),
            stream_name=messages.command_stream(str(video_id)),
            type=command.type_name,
            data=command.to_data(),
            metadata={"traceId": trace_id, "userId": user_id},
            expected_version=expected_version,
        )
    )
    logger.info(
        "%s sent for video %s by user %s [trace=%s]", command.type_name, video_id, user_id, trace_id
    )
