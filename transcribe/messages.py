"""The transcribe component's messages and streams.

`Transcribe` arrives in `transcribe:command-{transcribeId}`; the outcome, `Transcribed` (with the
transcript and a WebVTT captions file) or `TranscribeFailed`, goes to `transcribe-{transcribeId}`.
A `Transcribed` written by the workshop's transcribe component has no captions: they are optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    """`segments` are the caption cues, `{start, end, text}` with times in seconds, so a reader
    can open the video where words are said; `language` is what was transcribed (e.g. "en").
    Both are absent from events written before Whisper (read as empty)."""

    transcribe_id: str
    uri: str
    transcription: str = ""
    captions_uri: str | None = None
    segments: list = field(default_factory=list)
    language: str = ""


@dataclass(frozen=True, kw_only=True)
class TranscribeFailed(MessageData):
    transcribe_id: str
    uri: str
    reason: str
