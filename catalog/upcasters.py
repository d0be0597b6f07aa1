"""Older shapes of the catalog's messages, turned into today's (see `message_store.upcasting`).

Version 0 is the workshop's (docs/workshop.md): a `Catalog` may carry the video's `name` and no
metadata at all; its copies of the jobs' outcomes have no poster, size or captions (today's
contracts leave those optional, so no step is needed for them). Version 1 is this project's
first shapes: `sourceUri` for the source, `videoUri` for the MP4, `transcript` for the text,
the owner as `ownerId` in a `Catalog`'s data, and copies without the job's id or the source.
Commands and events with no chain here (the owner's commands, say) pass through untouched.
"""

from __future__ import annotations

from catalog import messages
from message_store.messages import Message
from message_store.upcasting import Upcaster, renamed, with_data, with_metadata

# Version 0: the workshop's ------------------------------------------------------------------

name_is_title = renamed("name", "title")
"""The workshop has no title; exercise 13's `name` is the closest."""


# Version 1: this project's first shapes -------------------------------------------------------

source_uri_is_uri = renamed("sourceUri", "uri")
video_uri_is_transcoded_uri = renamed("videoUri", "transcodedUri")
transcript_is_transcription = renamed("transcript", "transcription", null="")


def owner_id_is_the_user_id(message: Message) -> Message:
    """A `Catalog`'s owner moved from its data (`ownerId`) to its metadata (`userId`)."""
    if "ownerId" not in message.data:
        return message
    owner = message.data["ownerId"]
    message = with_data(message, {k: v for k, v in message.data.items() if k != "ownerId"})
    if owner is None or "userId" in message.metadata:
        return message
    return with_metadata(message, {**message.metadata, "userId": owner})


def transcode_id_derives_from_the_video_id(message: Message) -> Message:
    """The first copies did not name the job, whose id derived from the video id then too."""
    return _with_job_id(message, "transcodeId", messages.transcode_id)


def transcribe_id_derives_from_the_video_id(message: Message) -> Message:
    return _with_job_id(message, "transcribeId", messages.transcribe_id)


def _with_job_id(message: Message, key: str, derive) -> Message:
    video_id = message.data.get("videoId")
    if key in message.data or not isinstance(video_id, str) or not video_id:
        return message
    return with_data(message, {**message.data, key: derive(video_id)})


upcaster = Upcaster(
    {
        "Catalog": (name_is_title, source_uri_is_uri, owner_id_is_the_user_id),
        "Started": (source_uri_is_uri,),
        "Transcoded": (video_uri_is_transcoded_uri, transcode_id_derives_from_the_video_id),
        "TranscodeFailed": (transcode_id_derives_from_the_video_id,),
        "Transcribed": (transcript_is_transcription, transcribe_id_derives_from_the_video_id),
        "TranscribeFailed": (transcribe_id_derives_from_the_video_id,),
    }
)
