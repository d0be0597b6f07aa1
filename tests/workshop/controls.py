"""Controls: the messages of older shapes, verbatim, with fixed ids.

Version 0 is what the workshop's code writes (the table in docs/workshop.md): its streams, its
field names, its metadata or none at all, written as its client writes them (no expected
version, through `write_message`). Its job ids are fresh random UUIDs per handling; here they are
fixed examples. Version 1 is this project's first shapes, as they sit in stores written before
the field names followed the workshop's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from message_store.messages import Message, NewMessage
from message_store.store import MessageStore
from tests.consumers.controls import write_raw

VIDEO_ID = "b0000000-0000-4000-8000-000000000001"
TRACE_ID = "b7000000-0000-4000-8000-000000000001"
USER_ID = "1"
SOURCE_URI = f"uploads/{VIDEO_ID}/original.mp4"
NAME = "The workshop's video"
TRANSCODE_ID = "b1000000-0000-4000-8000-00000000000a"
"""A random transcodeId, as the workshop's catalog draws one per handling of `Started`."""
TRANSCRIBE_ID = "b2000000-0000-4000-8000-00000000000b"
"""A random transcribeId, as the workshop's catalog draws one per handling of `Transcoded`."""
TRANSCODED_URI = f"videos/{TRANSCODE_ID}/web.mp4"
TRANSCRIPTION = "hello from the workshop"


@dataclass(frozen=True)
class Shape:
    """A message as another writer stored it: anything JSON (or None) for data and metadata."""

    id: str
    stream_name: str
    type: str
    data: Any
    metadata: Any = None

    def write(self, store: MessageStore) -> Message:
        """Write it as a Message DB client would (no expected version); return it as read."""
        write_raw(
            store,
            message_id=self.id,
            stream_name=self.stream_name,
            type=self.type,
            data=self.data,
            metadata=self.metadata,
        )
        return next(m for m in store.read_stream(self.stream_name) if m.id == self.id)

    def new_message(self) -> NewMessage:
        """To write many at once (`store.write_batch`); data and metadata must be objects."""
        return NewMessage(
            id=self.id,
            stream_name=self.stream_name,
            type=self.type,
            data=self.data,
            metadata=self.metadata,
        )

    def as_read(self, *, position: int = 0, global_position: int = 1) -> Message:
        """As a reader gets it back, without a store (for upcaster and projection tests)."""
        return Message(
            id=self.id,
            stream_name=self.stream_name,
            type=self.type,
            position=position,
            global_position=global_position,
            data=dict(self.data or {}),
            metadata=dict(self.metadata or {}),
            time=datetime(2026, 1, 1, tzinfo=UTC),
        )


def shape_id(n: int) -> str:
    return str(uuid.UUID(f"b9000000-0000-4000-8000-{n:012d}"))


def catalog_stream(video_id: str = VIDEO_ID) -> str:
    return f"catalog-{video_id}"


def origin_metadata(video_id: str = VIDEO_ID) -> dict[str, Any]:
    """The workshop's job metadata: trace and origin, no correlationStreamName."""
    return {"traceId": TRACE_ID, "originStreamName": catalog_stream(video_id)}


# Version 0: the workshop's -----------------------------------------------------------------


def v0_catalog_from_the_web(video_id: str = VIDEO_ID, *, n: int = 1) -> Shape:
    return Shape(
        shape_id(n),
        f"catalog:command-{video_id}",
        "Catalog",
        {"videoId": video_id, "uri": f"uploads/{video_id}/original.mp4"},
        {"traceId": TRACE_ID, "userId": USER_ID},
    )


def v0_catalog_of_exercise_13(video_id: str = VIDEO_ID, *, n: int = 2) -> Shape:
    """Exercise 13 names its metadata `metdata`, so the message has none at all."""
    return Shape(
        shape_id(n),
        f"catalog:command-{video_id}",
        "Catalog",
        {"videoId": video_id, "uri": f"uploads/{video_id}/original.mp4", "name": NAME},
    )


def v0_started(video_id: str = VIDEO_ID, *, n: int = 3) -> Shape:
    return Shape(
        shape_id(n),
        catalog_stream(video_id),
        "Started",
        {"videoId": video_id, "uri": f"uploads/{video_id}/original.mp4"},
        {"traceId": TRACE_ID},
    )


def v0_transcode(
    video_id: str = VIDEO_ID, *, transcode_id: str = TRANSCODE_ID, n: int = 4
) -> Shape:
    return Shape(
        shape_id(n),
        f"transcode:command-{transcode_id}",
        "Transcode",
        {"transcodeId": transcode_id, "uri": f"uploads/{video_id}/original.mp4"},
        origin_metadata(video_id),
    )


def v0_transcoded(
    video_id: str = VIDEO_ID, *, transcode_id: str = TRANSCODE_ID, n: int = 5
) -> Shape:
    return Shape(
        shape_id(n),
        f"transcode-{transcode_id}",
        "Transcoded",
        {
            "transcodeId": transcode_id,
            "uri": f"uploads/{video_id}/original.mp4",
            "transcodedUri": f"videos/{transcode_id}/web.mp4",
        },
        origin_metadata(video_id),
    )


def v0_transcoded_copy(
    video_id: str = VIDEO_ID, *, transcode_id: str = TRANSCODE_ID, n: int = 6
) -> Shape:
    return Shape(
        shape_id(n),
        catalog_stream(video_id),
        "Transcoded",
        {
            "videoId": video_id,
            "transcodeId": transcode_id,
            "uri": f"uploads/{video_id}/original.mp4",
            "transcodedUri": f"videos/{transcode_id}/web.mp4",
        },
        {"traceId": TRACE_ID},
    )


def v0_transcribe(
    video_id: str = VIDEO_ID, *, transcribe_id: str = TRANSCRIBE_ID, n: int = 7
) -> Shape:
    """On the video's command stream, under a random transcribeId."""
    return Shape(
        shape_id(n),
        f"transcribe:command-{video_id}",
        "Transcribe",
        {"transcribeId": transcribe_id, "uri": f"uploads/{video_id}/original.mp4"},
        origin_metadata(video_id),
    )


def v0_transcribed(
    video_id: str = VIDEO_ID, *, transcribe_id: str = TRANSCRIBE_ID, n: int = 8
) -> Shape:
    return Shape(
        shape_id(n),
        f"transcribe-{transcribe_id}",
        "Transcribed",
        {
            "transcribeId": transcribe_id,
            "uri": f"uploads/{video_id}/original.mp4",
            "transcription": TRANSCRIPTION,
        },
        origin_metadata(video_id),
    )


def v0_transcribed_copy(
    video_id: str = VIDEO_ID, *, transcribe_id: str = TRANSCRIBE_ID, n: int = 9
) -> Shape:
    return Shape(
        shape_id(n),
        catalog_stream(video_id),
        "Transcribed",
        {
            "videoId": video_id,
            "transcribeId": transcribe_id,
            "uri": f"uploads/{video_id}/original.mp4",
            "transcription": TRANSCRIPTION,
        },
        {"traceId": TRACE_ID},
    )


def v0_cataloged(video_id: str = VIDEO_ID, *, n: int = 10) -> Shape:
    return Shape(
        shape_id(n),
        catalog_stream(video_id),
        "Cataloged",
        {"videoId": video_id},
        {"traceId": TRACE_ID},
    )


# Version 1: this project's first shapes -------------------------------------------------------

V1_VIDEO_URI = "videos/v1/web.mp4"
V1_POSTER_URI = "videos/v1/poster.jpg"
V1_CAPTIONS_URI = "captions/v1.vtt"


def v1_catalog(video_id: str = VIDEO_ID, *, n: int = 21) -> Shape:
    return Shape(
        shape_id(n),
        f"catalog:command-{video_id}",
        "Catalog",
        {
            "videoId": video_id,
            "title": "A first-shape video",
            "ownerId": USER_ID,
            "sourceUri": f"uploads/{video_id}/original.mp4",
        },
        {"traceId": TRACE_ID, "userId": USER_ID},
    )


def v1_started(video_id: str = VIDEO_ID, *, n: int = 22) -> Shape:
    return Shape(
        shape_id(n),
        catalog_stream(video_id),
        "Started",
        {
            "videoId": video_id,
            "title": "A first-shape video",
            "ownerId": USER_ID,
            "sourceUri": f"uploads/{video_id}/original.mp4",
        },
        {"traceId": TRACE_ID, "userId": USER_ID},
    )


def v1_transcoded_copy(video_id: str = VIDEO_ID, *, n: int = 23) -> Shape:
    return Shape(
        shape_id(n),
        catalog_stream(video_id),
        "Transcoded",
        {
            "videoId": video_id,
            "videoUri": V1_VIDEO_URI,
            "posterUri": V1_POSTER_URI,
            "durationSeconds": 7.5,
            "width": 640,
            "height": 360,
        },
        {"traceId": TRACE_ID},
    )


def v1_transcode_failed_copy(video_id: str = VIDEO_ID, *, n: int = 24) -> Shape:
    return Shape(
        shape_id(n),
        catalog_stream(video_id),
        "TranscodeFailed",
        {"videoId": video_id, "reason": "not a video"},
        {"traceId": TRACE_ID},
    )


def v1_transcribed_copy(video_id: str = VIDEO_ID, *, n: int = 25, transcript: Any = "hi") -> Shape:
    return Shape(
        shape_id(n),
        catalog_stream(video_id),
        "Transcribed",
        {"videoId": video_id, "transcript": transcript, "captionsUri": V1_CAPTIONS_URI},
        {"traceId": TRACE_ID},
    )


def v1_transcribe_failed_copy(video_id: str = VIDEO_ID, *, n: int = 26) -> Shape:
    return Shape(
        shape_id(n),
        catalog_stream(video_id),
        "TranscribeFailed",
        {"videoId": video_id, "reason": "no audio"},
        {"traceId": TRACE_ID},
    )


def v1_origin_metadata(video_id: str = VIDEO_ID) -> dict[str, Any]:
    origin = catalog_stream(video_id)
    return {"traceId": TRACE_ID, "originStreamName": origin, "correlationStreamName": origin}


def v1_transcode(transcode_id: str = TRANSCODE_ID, *, n: int = 31) -> Shape:
    return Shape(
        shape_id(n),
        f"transcode:command-{transcode_id}",
        "Transcode",
        {"transcodeId": transcode_id, "sourceUri": SOURCE_URI},
        v1_origin_metadata(),
    )


def v1_transcoded(transcode_id: str = TRANSCODE_ID, *, n: int = 32) -> Shape:
    return Shape(
        shape_id(n),
        f"transcode-{transcode_id}",
        "Transcoded",
        {
            "transcodeId": transcode_id,
            "sourceUri": SOURCE_URI,
            "videoUri": V1_VIDEO_URI,
            "posterUri": V1_POSTER_URI,
            "durationSeconds": 7.5,
            "width": 640,
            "height": 360,
        },
        v1_origin_metadata(),
    )


def v1_transcode_failed(transcode_id: str = TRANSCODE_ID, *, n: int = 33) -> Shape:
    return Shape(
        shape_id(n),
        f"transcode-{transcode_id}",
        "TranscodeFailed",
        {"transcodeId": transcode_id, "sourceUri": SOURCE_URI, "reason": "not a video"},
        v1_origin_metadata(),
    )


def v1_transcribe(transcribe_id: str = TRANSCRIBE_ID, *, n: int = 34) -> Shape:
    return Shape(
        shape_id(n),
        f"transcribe:command-{transcribe_id}",
        "Transcribe",
        {"transcribeId": transcribe_id, "sourceUri": V1_VIDEO_URI},
        v1_origin_metadata(),
    )


def v1_transcribed(
    transcribe_id: str = TRANSCRIBE_ID, *, n: int = 35, transcript: Any = "hi"
) -> Shape:
    return Shape(
        shape_id(n),
        f"transcribe-{transcribe_id}",
        "Transcribed",
        {
            "transcribeId": transcribe_id,
            "sourceUri": V1_VIDEO_URI,
            "transcript": transcript,
            "captionsUri": V1_CAPTIONS_URI,
        },
        v1_origin_metadata(),
    )


def v1_transcribe_failed(transcribe_id: str = TRANSCRIBE_ID, *, n: int = 36) -> Shape:
    return Shape(
        shape_id(n),
        f"transcribe-{transcribe_id}",
        "TranscribeFailed",
        {"transcribeId": transcribe_id, "sourceUri": V1_VIDEO_URI, "reason": "no audio"},
        v1_origin_metadata(),
    )
