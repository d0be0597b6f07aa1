"""Handles `Transcribe`: recognises the speech once and records the outcome as an event.

A video without an audio track, or whose sound has no speech, is transcribed as empty; a file
that cannot be decoded becomes `TranscribeFailed`, never an endless retry. A video has one
transcribe job: a command that comes from a video's stream is that video's job
(`catalog.messages.job_of_video`), whatever id it names, so the workshop's `Transcribe`s (a
fresh random id each time its catalog handles an event) and ours find one job.

The job stops when the consumer gives the message up (SIGTERM, a lost slot): `JobCancelled`
then leaves the message to be delivered again.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from catalog import messages as catalog_messages
from message_store.cancellation import cancel_event
from message_store.handling import require_stream_id, run_once
from message_store.messages import Message
from message_store.store import MessageStore
from transcode.ffmpeg import JobCancelled, MediaError
from transcribe import backend
from transcribe.messages import Transcribe, Transcribed, TranscribeFailed, entity_stream
from transcribe.projection import projection

logger = logging.getLogger(__name__)


def handle_transcribe(message: Message, *, store: MessageStore) -> None:
    command = Transcribe.parse(message)
    require_stream_id(message, command.transcribe_id)
    origin = message.metadata.get("originStreamName")
    job_id = catalog_messages.job_of_video(
        catalog_messages.transcribe_id, origin, command.transcribe_id
    )
    command = replace(command, transcribe_id=job_id)
    run_once(store, message, entity_stream(job_id), projection, lambda: _run(command))


def _run(command: Transcribe) -> Transcribed | TranscribeFailed:
    """The job itself: a bad input is an outcome (`TranscribeFailed`), not an exception. A
    failure while the job is being cancelled is not the file's fault: a signal to the whole
    process group (Ctrl-C under honcho, systemd's stop) reaches its ffmpeg too."""
    cancel = cancel_event()
    try:
        output = backend.transcribe(command.transcribe_id, command.uri, cancel=cancel)
    except MediaError as error:
        if cancel.is_set():
            raise JobCancelled(f"cancelled ({error})") from error
        logger.warning("transcribe %s failed: %s", command.transcribe_id, error)
        return TranscribeFailed(
            transcribe_id=command.transcribe_id, uri=command.uri, reason=str(error)
        )
    return Transcribed(
        transcribe_id=command.transcribe_id,
        uri=command.uri,
        transcription=output.transcript,
        captions_uri=output.captions_uri,
        segments=[cue.as_data() for cue in output.cues],
        language=output.language,
    )
