"""Writes of the web app. It never changes view data itself: it stores the upload and asks the
catalog to catalog it, by writing the `Catalog` command; the rest happens in the consumers."""

from __future__ import annotations

import logging
import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from catalog import messages
from message_store.errors import MessageStoreError
from message_store.messages import NewMessage, new_id
from message_store.runtime import get_store

logger = logging.getLogger(__name__)

NEW_STREAM = -1


def upload_name(video_id: uuid.UUID, extension: str) -> str:
    """Where an upload is stored: a generated name, never the user's file name."""
    return f"uploads/{video_id}/original{extension}"


def video_upload(
    *, title: str, upload: UploadedFile, extension: str, user_id: str, trace_id: str
) -> uuid.UUID:
    """Store a checked upload and write its `Catalog` command; return the new video's id.

    If the command cannot be written, the stored file is removed again and the error raised.
    """
    video_id = uuid.uuid4()
    name = default_storage.save(upload_name(video_id, extension), upload)
    command = messages.Catalog(video_id=str(video_id), uri=name, title=title)
    try:
        get_store().write(
            NewMessage(
                id=new_id(),
                stream_name=messages.command_stream(str(video_id)),
                type=command.type_name,
                data=command.to_data(),
                metadata={"traceId": trace_id, "userId": user_id},
                expected_version=NEW_STREAM,
            )
        )
    except MessageStoreError:
        default_storage.delete(name)
        raise
    logger.info("video %s uploaded by user %s [trace=%s]", video_id, user_id, trace_id)
    return video_id
