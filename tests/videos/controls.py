"""Controls: example catalog messages with fixed ids, times and positions, for the aggregator.

Each returns a `Message` as the store would hand it to a handler. Positions default to the order
of the happy path, so `happy_path()` is a realistic sequence.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from catalog import messages
from message_store.messages import Message, NewMessage, derived_id

VIDEO_ID = "5b1f6c0e-3d2a-4c55-9a57-6c1a2b3c4d5e"
OTHER_VIDEO_ID = "0c9a7e51-8b4f-4f2e-8d1c-2e3f4a5b6c7d"
TRACE_ID = "7d0a4c1e-1111-4222-8333-944455566677"
TIME = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

SOURCE = f"uploads/{VIDEO_ID}/original.mp4"
WEB_VIDEO = "videos/abc/web.mp4"
POSTER = "videos/abc/poster.jpg"
CAPTIONS = "captions/abc.vtt"
TRANSCRIPT = "hello world this is a test"
PLAYLIST = "videos/abc/master.m3u8"
RENDITIONS = [
    {
        "width": 426,
        "height": 240,
        "bandwidth": 280_000,
        "playlistUri": "videos/abc/240p/index.m3u8",
    },
    {
        "width": 640,
        "height": 360,
        "bandwidth": 450_000,
        "playlistUri": "videos/abc/360p/index.m3u8",
    },
]
SEGMENTS = [
    {"start": 0.0, "end": 1.2, "text": "hello world"},
    {"start": 1.5, "end": 3.25, "text": "this is a test"},
]


def message(
    kind: str,
    data: dict[str, Any],
    *,
    global_position: int,
    video_id: str = VIDEO_ID,
    command: bool = False,
    metadata: dict[str, Any] | None = None,
) -> Message:
    stream = messages.command_stream(video_id) if command else messages.entity_stream(video_id)
    return Message(
        id=derived_id("control", kind, video_id, global_position),
        stream_name=stream,
        type=kind,
        position=global_position - 1,
        global_position=global_position,
        data=data,
        metadata=metadata if metadata is not None else {"traceId": TRACE_ID, "userId": "1"},
        time=TIME + timedelta(seconds=global_position),
    )


def catalog(
    *,
    global_position: int = 1,
    video_id: str = VIDEO_ID,
    metadata: dict[str, Any] | None = None,
    **data: Any,
) -> Message:
    body = {"videoId": video_id, "uri": SOURCE, "title": "A talk", **data}
    return message(
        "Catalog",
        body,
        global_position=global_position,
        video_id=video_id,
        command=True,
        metadata=metadata,
    )


def started(*, global_position: int = 2, video_id: str = VIDEO_ID, **data: Any) -> Message:
    body = {"videoId": video_id, "uri": SOURCE, "title": "A talk", "ownerId": None, **data}
    return message("Started", body, global_position=global_position, video_id=video_id)


def transcoded(*, global_position: int = 3, video_id: str = VIDEO_ID, **data: Any) -> Message:
    body = {
        "videoId": video_id,
        "transcodeId": derived_id("transcode", video_id),
        "uri": SOURCE,
        "transcodedUri": WEB_VIDEO,
        "posterUri": POSTER,
        "durationSeconds": 12.5,
        "width": 640,
        "height": 360,
        "playlistUri": PLAYLIST,
        "renditions": RENDITIONS,
        **data,
    }
    return message("Transcoded", body, global_position=global_position, video_id=video_id)


def transcode_failed(*, global_position: int = 3, video_id: str = VIDEO_ID, **data: Any):
    body = {
        "videoId": video_id,
        "transcodeId": derived_id("transcode", video_id),
        "uri": SOURCE,
        "reason": "not a video: no video stream",
        **data,
    }
    return message("TranscodeFailed", body, global_position=global_position, video_id=video_id)


def transcribed(*, global_position: int = 4, video_id: str = VIDEO_ID, **data: Any) -> Message:
    body = {
        "videoId": video_id,
        "transcribeId": derived_id("transcribe", video_id),
        "uri": SOURCE,
        "transcription": TRANSCRIPT,
        "captionsUri": CAPTIONS,
        "segments": SEGMENTS,
        "language": "en",
        **data,
    }
    return message("Transcribed", body, global_position=global_position, video_id=video_id)


def transcribe_failed(*, global_position: int = 4, video_id: str = VIDEO_ID, **data: Any):
    body = {
        "videoId": video_id,
        "transcribeId": derived_id("transcribe", video_id),
        "uri": SOURCE,
        "reason": "the video has no audio",
        **data,
    }
    return message("TranscribeFailed", body, global_position=global_position, video_id=video_id)


def cataloged(*, global_position: int = 5, video_id: str = VIDEO_ID) -> Message:
    body = {"videoId": video_id}
    return message("Cataloged", body, global_position=global_position, video_id=video_id)


def happy_path(video_id: str = VIDEO_ID, *, first_position: int = 1) -> list[Message]:
    steps = (catalog, started, transcoded, transcribed, cataloged)
    return [
        step(global_position=first_position + index, video_id=video_id)
        for index, step in enumerate(steps)
    ]


def as_new(stored: Message) -> NewMessage:
    """The same message, to write to a real store (which assigns the positions)."""
    return NewMessage(
        id=stored.id,
        stream_name=stored.stream_name,
        type=stored.type,
        data=stored.data,
        metadata=stored.metadata,
    )
