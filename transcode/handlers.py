"""Handles `Transcode`: runs the job once and records its outcome as an event.

A video has one transcode job: a command that comes from a video's stream is that video's job
(`catalog.messages.job_of_video`), whatever id it names, so the workshop's catalog asking again
under a fresh random id, or asking beside ours, finds the job done instead of starting another.

The job stops when the consumer gives the message up (SIGTERM, a lost slot): `JobCancelled`
then leaves the message to be delivered again, with nothing stored.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from catalog import messages as catalog_messages
from message_store.cancellation import cancel_event
from message_store.handling import require_stream_id, run_once
from message_store.messages import Message
from message_store.store import MessageStore
from transcode import backend
from transcode.ffmpeg import JobCancelled, MediaError
from transcode.messages import Transcode, Transcoded, TranscodeFailed, entity_stream
from transcode.projection import projection

logger = logging.getLogger(__name__)


def handle_transcode(message: Message, *, store: MessageStore) -> None:
    command = Transcode.parse(message)
    require_stream_id(message, command.transcode_id)
    origin = message.metadata.get("originStreamName")
    job_id = catalog_messages.job_of_video(
        catalog_messages.transcode_id, origin, command.transcode_id
    )
    command = replace(command, transcode_id=job_id)
    run_once(store, message, entity_stream(job_id), projection, lambda: _run(command))


def _run(command: Transcode) -> Transcoded | TranscodeFailed:
    """The job itself: a bad input is an outcome (`TranscodeFailed`), not an exception. A
    failure while the job is being cancelled is not the file's fault: a signal to the whole
    process group (Ctrl-C under honcho, systemd's stop) reaches ffmpeg too."""
    cancel = cancel_event()
    try:
        output = backend.transcode(command.transcode_id, command.uri, cancel=cancel)
    except MediaError as error:
        if cancel.is_set():
            raise JobCancelled(f"cancelled ({error})") from error
        logger.warning("transcode %s failed: %s", command.transcode_id, error)
        return TranscodeFailed(
            transcode_id=command.transcode_id, uri=command.uri, reason=str(error)
        )
    return Transcoded(
        transcode_id=command.transcode_id,
        uri=command.uri,
        transcoded_uri=output.video_uri,
        poster_uri=output.poster_uri,
        duration_seconds=output.duration_seconds,
        width=output.width,
        height=output.height,
        playlist_uri=output.playlist_uri,
        renditions=[
            {
                "width": rendition.width,
                "height": rendition.height,
                "bandwidth": rendition.bandwidth,
                "playlistUri": rendition.playlist_uri,
            }
            for rendition in output.renditions
        ],
    )
