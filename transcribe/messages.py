"""The transcribe component's messages and streams.

`Transcribe` arrives in `transcribe:command-{transcribeId}`; the outcome, `Transcribed` (with the
transcript and a WebVTT captions file) or `TranscribeFailed`, goes to `transcribe-{transcribeId}`.
A `Transcribed` written by the workshop's transcribe component has no captions: they are optional.
"""

from __future__ import annotations

from dataclasses import dataclass

from message_store.contracts import MessageData
from message_store.streams import stream_name

CATEGORY = "transcribe"
COMMAND_CATEGORY = "transcribe:command"


def command_stream(transcribe_id: str) -> str:
    return stream_name(COMMAND_CATEGORY, transcribe_id)


def entity_stream(transcribe_id: str) -> str:
    return stream_name(CATEGORY, transcribe_id)


@dataclass(frozen=True, kw_only=True)
class Transcribe(MessageData):
    transcribe_id: str
    uri: str


@dataclass(frozen=True, kw_only=True)
class Transcribed(MessageData):
    transcribe_id: str
    uri: str
    transcription: str = ""
    captions_uri: str | None = None


@dataclass(frozen=True, kw_only=True)
class TranscribeFailed(MessageData):
    transcribe_id: str
    uri: str
    reason: str
