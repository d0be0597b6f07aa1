"""Controls: example transcribe commands and outcomes with fixed ids, and the measure used to
judge a transcript (recognition is approximate: compare words, never the exact text)."""

from __future__ import annotations

import re

from message_store.messages import NewMessage
from transcribe import messages

TRANSCRIBE_ID = "8d000000-0000-4000-8000-000000000001"
SOURCE_URI = "uploads/a1000000-0000-4000-8000-000000000001/original.mp4"
ORIGIN = "catalog-a1000000-0000-4000-8000-000000000001"
TRACE_ID = "trace-transcribe-1"
SENTENCE = "Welcome to the video catalog. Today we talk about the weather and the news."


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def word_overlap(expected: str, transcript: str) -> float:
    """The share of the expected sentence's words that the transcript contains."""
    wanted = words(expected)
    return len(wanted & words(transcript)) / len(wanted)


def metadata_example() -> dict:
    return {"traceId": TRACE_ID, "originStreamName": ORIGIN, "correlationStreamName": ORIGIN}


def transcribe_example(transcribe_id: str = TRANSCRIBE_ID, *, uri: str = SOURCE_URI) -> NewMessage:
    return NewMessage(
        id="8d000000-0000-4000-8000-0000000000c1",
        stream_name=messages.command_stream(transcribe_id),
        type="Transcribe",
        data=messages.Transcribe(transcribe_id=transcribe_id, uri=uri).to_data(),
        metadata=metadata_example(),
    )


def transcribed_example(transcribe_id: str = TRANSCRIBE_ID) -> NewMessage:
    body = messages.Transcribed(
        transcribe_id=transcribe_id,
        uri=SOURCE_URI,
        transcription="Hello.",
        captions_uri=f"captions/{transcribe_id}.vtt",
        segments=[{"start": 0.5, "end": 1.4, "text": "Hello."}],
        language="en",
    )
    return NewMessage(
        id="8d000000-0000-4000-8000-0000000000e1",
        stream_name=messages.entity_stream(transcribe_id),
        type=body.type_name,
        data=body.to_data(),
        metadata=metadata_example(),
    )


def transcribe_failed_example(transcribe_id: str = TRANSCRIBE_ID) -> NewMessage:
    body = messages.TranscribeFailed(
        transcribe_id=transcribe_id,
        uri=SOURCE_URI,
        reason="the sound could not be decoded: Invalid data found when processing input",
    )
    return NewMessage(
        id="8d000000-0000-4000-8000-0000000000f1",
        stream_name=messages.entity_stream(transcribe_id),
        type=body.type_name,
        data=body.to_data(),
        metadata=metadata_example(),
    )
