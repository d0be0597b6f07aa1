"""Handles `Transcribe`: recognises the speech once and records the outcome as an event.

A video whose speech is silence is transcribed as empty; an unreadable file or one with no audio
track becomes `TranscribeFailed`, never an endless retry.
"""

from __future__ import annotations

import logging

from message_store.handling import emit, require_stream_id
from message_store.messages import Message
from message_store.store import MessageStore
from transcode.ffmpeg import MediaError
from transcribe import backend
from transcribe.messages import Transcribe, Transcribed, TranscribeFailed, entity_stream
from transcribe.projection import projection

logger = logging.getLogger(__name__)


def handle_transcribe(message: Message, *, store: MessageStore) -> None:
    command = Transcribe.parse(message)
    require_stream_id(message, command.transcribe_id)
    stream = entity_stream(command.transcribe_id)
    job, version = store.fetch(stream, projection)
    if job.finished:
        logger.info("transcribe %s already finished; skipping", command.transcribe_id)
        return
    try:
        output = backend.transcribe(command.transcribe_id, command.source_uri)
        event = Transcribed(
            transcribe_id=command.transcribe_id,
            source_uri=command.source_uri,
            transcript=output.transcript,
            captions_uri=output.captions_uri,
        )
    except MediaError as error:
        logger.warning("transcribe %s failed: %s", command.transcribe_id, error)
        event = TranscribeFailed(
            transcribe_id=command.transcribe_id, source_uri=command.source_uri, reason=str(error)
        )
    emit(store, message, stream, event, expected_version=version)
