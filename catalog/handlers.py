"""The catalog process: each handler reads like a paragraph of the message flow.

Grouped by subscription: the `Catalog` command; the catalog's own events, which drive the next
step; and the outcomes of the transcode and transcribe jobs this catalog started (origin
`catalog`), copied into the video's stream. Every write names an expected version or an empty
command stream and a derived id, so handling a message twice, or by two racing consumers,
writes once.
"""

from __future__ import annotations

import logging

import transcode.messages as transcode_messages
import transcribe.messages as transcribe_messages
from catalog import erasure, messages
from catalog.projection import file_names, projection
from message_store.contracts import MalformedMessageError
from message_store.handling import emit, require_stream_id
from message_store.messages import Message
from message_store.store import MessageStore
from message_store.streams import category, stream_id

logger = logging.getLogger(__name__)

NEW_STREAM = -1


# The command -------------------------------------------------------------------------------


def handle_catalog(message: Message, *, store: MessageStore) -> None:
    command = messages.Catalog.parse(message)
    require_stream_id(message, command.video_id)
    if command.visibility not in messages.VISIBILITIES:
        raise MalformedMessageError(f"Catalog {message.id}: visibility {command.visibility!r}")
    stream = messages.entity_stream(command.video_id)
    video, version = store.fetch(stream, projection)
    if video.started:
        logger.info("video %s already started; skipping", command.video_id)
        return
    owner = message.metadata.get("userId")
    started = messages.Started(
        video_id=command.video_id,
        uri=command.uri,
        title=command.title,
        owner_id=owner if isinstance(owner, str) and owner else None,
        description=command.description,
        visibility=command.visibility,
    )
    emit(store, message, stream, started, expected_version=version)


# Own events --------------------------------------------------------------------------------


def handle_started(message: Message, *, store: MessageStore) -> None:
    started = messages.Started.parse(message)
    transcode_id = messages.transcode_id(started.video_id)
    command = transcode_messages.Transcode(transcode_id=transcode_id, uri=started.uri)
    _send_unless_done(
        message, store, "transcoded", transcode_messages.command_stream(transcode_id), command
    )


def handle_transcoded(message: Message, *, store: MessageStore) -> None:
    """Transcribe the source (`uri`, as the workshop does): any format ffmpeg reads will do.

    The source is the one `Started` recorded (our earliest copies of `Transcoded` lack it). If
    the transcription is already there (another writer's order), the video may be complete.
    """
    transcoded = messages.Transcoded.parse(message)
    video, _ = store.fetch(message.stream_name, projection)
    if video.transcribed:
        _catalog_when_complete(message, store, transcoded.video_id)
        return
    source = video.source_uri or transcoded.uri
    if not source:
        raise MalformedMessageError(
            f"{message.type} {message.id}: no source to transcribe (no Started, no 'uri')"
        )
    transcribe_id = messages.transcribe_id(transcoded.video_id)
    command = transcribe_messages.Transcribe(transcribe_id=transcribe_id, uri=source)
    _send_unless_done(
        message, store, "transcribed", transcribe_messages.command_stream(transcribe_id), command
    )


def _send_unless_done(
    message: Message, store: MessageStore, step: str, command_stream: str, command
) -> None:
    """Send a job's command (once: its stream must be new) unless the video is past `step`."""
    video, _ = store.fetch(message.stream_name, projection)
    if video.finished or getattr(video, step):
        return
    emit(
        store,
        message,
        command_stream,
        command,
        expected_version=NEW_STREAM,
        origin_stream_name=message.stream_name,
    )


def handle_transcribed(message: Message, *, store: MessageStore) -> None:
    transcribed = messages.Transcribed.parse(message)
    _catalog_when_complete(message, store, transcribed.video_id)


def _catalog_when_complete(message: Message, store: MessageStore, video_id: str) -> None:
    """`Cataloged` once the video is transcribed and has something to play, never before:
    other writers (the workshop's) may record the steps in another order."""
    video, version = store.fetch(message.stream_name, projection)
    if video.finished or not video.transcribed:
        return
    if not video.playable:
        logger.info("video %s is transcribed but has nothing to play yet; waiting", video_id)
        return
    cataloged = messages.Cataloged(video_id=video_id)
    emit(store, message, message.stream_name, cataloged, expected_version=version)


# Outcomes of the jobs the catalog started --------------------------------------------------


def _origin_video(message: Message) -> tuple[str, str] | None:
    """The catalog stream and video id this reply belongs to, or None when it is not ours."""
    origin = message.metadata.get("originStreamName")
    if not isinstance(origin, str) or category(origin) != messages.CATEGORY:
        logger.debug(
            "ignoring %s %s: origin %r is not the catalog", message.type, message.id, origin
        )
        return None
    video_id = stream_id(origin)
    if not video_id:
        raise MalformedMessageError(f"{message.type} {message.id}: origin {origin!r} has no id")
    return origin, video_id


def _copy_outcome(message: Message, store: MessageStore, step: str, make_event) -> None:
    """Copy a job's outcome into the video's stream, unless that step is already recorded.

    The outcome of a job that was still running when its video was deleted is never copied:
    erasure runs again instead, so the files the job wrote and its streams go too.
    """
    found = _origin_video(message)
    if found is None:
        return
    stream, video_id = found
    video, version = store.fetch(stream, projection)
    if video.deleted:
        logger.info("late %s for deleted video %s: erasing it", message.type, video_id)
        late_files = file_names(
            message.data, "transcodedUri", "posterUri", "playlistUri", "captionsUri"
        )
        erasure.erase_video(store, video_id, [*video.files, *late_files])
        return
    if video.finished or getattr(video, step):
        return
    emit(store, message, stream, make_event(video_id), expected_version=version)


def handle_job_transcoded(message: Message, *, store: MessageStore) -> None:
    outcome = transcode_messages.Transcoded.parse(message)
    _copy_outcome(
        message,
        store,
        "transcoded",
        lambda video_id: messages.Transcoded(
            video_id=video_id,
            transcode_id=outcome.transcode_id,
            uri=outcome.uri,
            transcoded_uri=outcome.transcoded_uri,
            poster_uri=outcome.poster_uri,
            duration_seconds=outcome.duration_seconds,
            width=outcome.width,
            height=outcome.height,
            playlist_uri=outcome.playlist_uri,
            renditions=outcome.renditions,
        ),
    )


def handle_job_transcode_failed(message: Message, *, store: MessageStore) -> None:
    outcome = transcode_messages.TranscodeFailed.parse(message)
    _copy_outcome(
        message,
        store,
        "transcoded",
        lambda video_id: messages.TranscodeFailed(
            video_id=video_id,
            transcode_id=outcome.transcode_id,
            uri=outcome.uri,
            reason=outcome.reason,
        ),
    )


def handle_job_transcribed(message: Message, *, store: MessageStore) -> None:
    outcome = transcribe_messages.Transcribed.parse(message)
    _copy_outcome(
        message,
        store,
        "transcribed",
        lambda video_id: messages.Transcribed(
            video_id=video_id,
            transcribe_id=outcome.transcribe_id,
            uri=outcome.uri,
            transcription=outcome.transcription,
            captions_uri=outcome.captions_uri,
            segments=outcome.segments,
            language=outcome.language,
        ),
    )


def handle_job_transcribe_failed(message: Message, *, store: MessageStore) -> None:
    outcome = transcribe_messages.TranscribeFailed.parse(message)
    _copy_outcome(
        message,
        store,
        "transcribed",
        lambda video_id: messages.TranscribeFailed(
            video_id=video_id,
            transcribe_id=outcome.transcribe_id,
            uri=outcome.uri,
            reason=outcome.reason,
        ),
    )
