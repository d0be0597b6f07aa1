"""Controls: example catalog messages, and the transcode and transcribe replies it receives,
with fixed ids and metadata."""

from __future__ import annotations

import uuid
from typing import Any

import transcode.messages as transcode_messages
import transcribe.messages as transcribe_messages
from catalog import messages
from message_store.messages import NewMessage

VIDEO_ID = "a1000000-0000-4000-8000-000000000001"
TRACE_ID = "trace-catalog-1"
USER_ID = "user-1"
TITLE = "A video"
SOURCE_URI = "uploads/a1000000-0000-4000-8000-000000000001.mp4"
VIDEO_URI = "videos/transcode-1/web.mp4"
POSTER_URI = "videos/transcode-1/poster.jpg"
PLAYLIST_URI = "videos/transcode-1/master.m3u8"
RENDITIONS = [
    {
        "width": 426,
        "height": 240,
        "bandwidth": 280_000,
        "playlistUri": "videos/transcode-1/240p/index.m3u8",
    },
    {
        "width": 640,
        "height": 360,
        "bandwidth": 450_000,
        "playlistUri": "videos/transcode-1/360p/index.m3u8",
    },
]
SEGMENTS = [{"start": 0.0, "end": 1.5, "text": "Hello there."}]
TRANSCRIPT = "hello world"
CAPTIONS_URI = "captions/transcribe-1.vtt"


def video_id_example(n: int = 1) -> str:
    return str(uuid.UUID(f"a1000000-0000-4000-8000-{n:012d}"))


def message_id_example(kind: str, n: int = 1) -> str:
    """Fixed ids, one family per message kind: `c...` for Catalog, `5...` for Started, ..."""
    prefix = {
        "Catalog": "c",
        "Started": "5",
        "Transcoded": "7",
        "TranscodeFailed": "f",
        "Transcribed": "8",
        "TranscribeFailed": "e",
        "JobTranscoded": "17",
        "JobTranscodeFailed": "1f",
        "JobTranscribed": "18",
        "JobTranscribeFailed": "1e",
    }[kind]
    return str(uuid.UUID(f"{prefix:0<8}-0000-4000-8000-{n:012d}"))


def metadata_example(**extra: Any) -> dict[str, Any]:
    return {"traceId": TRACE_ID, "userId": USER_ID, **extra}


def catalog_example(
    video_id: str = VIDEO_ID, *, n: int = 1, stream_id: str | None = None, **data: Any
) -> NewMessage:
    body = messages.Catalog(video_id=video_id, uri=SOURCE_URI, title=TITLE).to_data()
    return NewMessage(
        id=message_id_example("Catalog", n),
        stream_name=messages.command_stream(stream_id or video_id),
        type="Catalog",
        data={**body, **data},
        metadata=metadata_example(),
    )


def started_example(video_id: str = VIDEO_ID, *, n: int = 1) -> NewMessage:
    body = messages.Started(video_id=video_id, uri=SOURCE_URI, title=TITLE, owner_id=USER_ID)
    return _catalog_event(body, "Started", video_id, n)


def transcoded_example(video_id: str = VIDEO_ID, *, n: int = 1) -> NewMessage:
    body = messages.Transcoded(
        video_id=video_id,
        transcode_id=messages.transcode_id(video_id),
        uri=SOURCE_URI,
        transcoded_uri=VIDEO_URI,
        poster_uri=POSTER_URI,
        duration_seconds=10.0,
        width=640,
        height=360,
        playlist_uri=PLAYLIST_URI,
        renditions=RENDITIONS,
    )
    return _catalog_event(body, "Transcoded", video_id, n)


def transcode_failed_example(video_id: str = VIDEO_ID, *, n: int = 1) -> NewMessage:
    body = messages.TranscodeFailed(
        video_id=video_id,
        transcode_id=messages.transcode_id(video_id),
        uri=SOURCE_URI,
        reason="not a video",
    )
    return _catalog_event(body, "TranscodeFailed", video_id, n)


def transcribed_example(video_id: str = VIDEO_ID, *, n: int = 1) -> NewMessage:
    body = messages.Transcribed(
        video_id=video_id,
        transcribe_id=messages.transcribe_id(video_id),
        uri=SOURCE_URI,
        transcription=TRANSCRIPT,
        captions_uri=CAPTIONS_URI,
        segments=SEGMENTS,
        language="en",
    )
    return _catalog_event(body, "Transcribed", video_id, n)


def cataloged_example(video_id: str = VIDEO_ID, *, n: int = 1) -> NewMessage:
    return NewMessage(
        id=str(uuid.UUID(f"ca000000-0000-4000-8000-{n:012d}")),
        stream_name=messages.entity_stream(video_id),
        type="Cataloged",
        data=messages.Cataloged(video_id=video_id).to_data(),
        metadata=metadata_example(),
    )


def _catalog_event(body, kind: str, video_id: str, n: int) -> NewMessage:
    return NewMessage(
        id=message_id_example(kind, n),
        stream_name=messages.entity_stream(video_id),
        type=body.type_name,
        data=body.to_data(),
        metadata=metadata_example(),
    )


# Replies of the jobs the catalog starts ---------------------------------------------------


def origin_metadata(video_id: str = VIDEO_ID) -> dict[str, Any]:
    """What a reply to the catalog carries: the catalog stream as origin and correlation."""
    origin = messages.entity_stream(video_id)
    return metadata_example(originStreamName=origin, correlationStreamName=origin)


def job_transcoded_example(
    video_id: str = VIDEO_ID, *, n: int = 1, metadata: dict[str, Any] | None = None
) -> NewMessage:
    transcode_id = messages.transcode_id(video_id)
    body = transcode_messages.Transcoded(
        transcode_id=transcode_id,
        uri=SOURCE_URI,
        transcoded_uri=VIDEO_URI,
        poster_uri=POSTER_URI,
        duration_seconds=12.5,
        width=640,
        height=360,
        playlist_uri=PLAYLIST_URI,
        renditions=RENDITIONS,
    )
    return NewMessage(
        id=message_id_example("JobTranscoded", n),
        stream_name=transcode_messages.entity_stream(transcode_id),
        type=body.type_name,
        data=body.to_data(),
        metadata=origin_metadata(video_id) if metadata is None else metadata,
    )


def job_transcode_failed_example(
    video_id: str = VIDEO_ID, *, n: int = 1, metadata: dict[str, Any] | None = None
) -> NewMessage:
    transcode_id = messages.transcode_id(video_id)
    body = transcode_messages.TranscodeFailed(
        transcode_id=transcode_id, uri=SOURCE_URI, reason="not a video: it is text"
    )
    return NewMessage(
        id=message_id_example("JobTranscodeFailed", n),
        stream_name=transcode_messages.entity_stream(transcode_id),
        type=body.type_name,
        data=body.to_data(),
        metadata=origin_metadata(video_id) if metadata is None else metadata,
    )


def job_transcribed_example(
    video_id: str = VIDEO_ID, *, n: int = 1, metadata: dict[str, Any] | None = None
) -> NewMessage:
    transcribe_id = messages.transcribe_id(video_id)
    body = transcribe_messages.Transcribed(
        transcribe_id=transcribe_id,
        uri=SOURCE_URI,
        transcription=TRANSCRIPT,
        captions_uri=CAPTIONS_URI,
        segments=SEGMENTS,
        language="en",
    )
    return NewMessage(
        id=message_id_example("JobTranscribed", n),
        stream_name=transcribe_messages.entity_stream(transcribe_id),
        type=body.type_name,
        data=body.to_data(),
        metadata=origin_metadata(video_id) if metadata is None else metadata,
    )


def job_transcribe_failed_example(
    video_id: str = VIDEO_ID, *, n: int = 1, metadata: dict[str, Any] | None = None
) -> NewMessage:
    transcribe_id = messages.transcribe_id(video_id)
    body = transcribe_messages.TranscribeFailed(
        transcribe_id=transcribe_id, uri=SOURCE_URI, reason="no audio: it has no track"
    )
    return NewMessage(
        id=message_id_example("JobTranscribeFailed", n),
        stream_name=transcribe_messages.entity_stream(transcribe_id),
        type=body.type_name,
        data=body.to_data(),
        metadata=origin_metadata(video_id) if metadata is None else metadata,
    )


FOREIGN_ORIGIN = "thumbnails-b2000000-0000-4000-8000-000000000001"


def foreign_metadata() -> dict[str, Any]:
    """A reply to some other component that also starts transcode and transcribe jobs."""
    return metadata_example(originStreamName=FOREIGN_ORIGIN, correlationStreamName=FOREIGN_ORIGIN)


# The owner's commands ---------------------------------------------------------------------

OTHER_USER_ID = "user-2"
NEW_TITLE = "A better title"
NEW_DESCRIPTION = "First line.\nSecond line."


def _owner_command(body, prefix: str, video_id: str, n: int, user_id: str) -> NewMessage:
    return NewMessage(
        id=str(uuid.UUID(f"{prefix:0<8}-0000-4000-8000-{n:012d}")),
        stream_name=messages.command_stream(video_id),
        type=body.type_name,
        data=body.to_data(),
        metadata={"traceId": f"trace-owner-{n}", "userId": user_id},
    )


def change_details_example(
    video_id: str = VIDEO_ID,
    *,
    n: int = 1,
    user_id: str = USER_ID,
    title: str = NEW_TITLE,
    description: str = NEW_DESCRIPTION,
) -> NewMessage:
    body = messages.ChangeDetails(video_id=video_id, title=title, description=description)
    return _owner_command(body, "d1", video_id, n, user_id)


def change_visibility_example(
    video_id: str = VIDEO_ID, *, n: int = 1, user_id: str = USER_ID, visibility: str = "private"
) -> NewMessage:
    body = messages.ChangeVisibility(video_id=video_id, visibility=visibility)
    return _owner_command(body, "d2", video_id, n, user_id)


def delete_example(video_id: str = VIDEO_ID, *, n: int = 1, user_id: str = USER_ID) -> NewMessage:
    return _owner_command(messages.Delete(video_id=video_id), "d3", video_id, n, user_id)
