"""Controls: example transcode commands and outcomes with fixed ids."""

from __future__ import annotations

from message_store.messages import NewMessage
from transcode import messages

TRANSCODE_ID = "7c000000-0000-4000-8000-000000000001"
SOURCE_URI = "uploads/7c000000-0000-4000-8000-000000000001.mp4"
ORIGIN = "catalog-a1000000-0000-4000-8000-000000000001"
TRACE_ID = "trace-transcode-1"


def metadata_example() -> dict:
    return {"traceId": TRACE_ID, "originStreamName": ORIGIN, "correlationStreamName": ORIGIN}


def transcode_example(
    transcode_id: str = TRANSCODE_ID, *, uri: str = SOURCE_URI, stream_id: str | None = None
) -> NewMessage:
    return NewMessage(
        id="7c000000-0000-4000-8000-0000000000c1",
        stream_name=messages.command_stream(stream_id or transcode_id),
        type="Transcode",
        data=messages.Transcode(transcode_id=transcode_id, uri=uri).to_data(),
        metadata=metadata_example(),
    )


def transcoded_example(transcode_id: str = TRANSCODE_ID) -> NewMessage:
    body = messages.Transcoded(
        transcode_id=transcode_id,
        uri=SOURCE_URI,
        transcoded_uri=f"videos/{transcode_id}/web.mp4",
        poster_uri=f"videos/{transcode_id}/poster.jpg",
        duration_seconds=3.0,
        width=640,
        height=360,
    )
    return NewMessage(
        id="7c000000-0000-4000-8000-0000000000e1",
        stream_name=messages.entity_stream(transcode_id),
        type=body.type_name,
        data=body.to_data(),
        metadata=metadata_example(),
    )


def transcode_failed_example(transcode_id: str = TRANSCODE_ID) -> NewMessage:
    body = messages.TranscodeFailed(transcode_id=transcode_id, uri=SOURCE_URI, reason="not a video")
    return NewMessage(
        id="7c000000-0000-4000-8000-0000000000f1",
        stream_name=messages.entity_stream(transcode_id),
        type=body.type_name,
        data=body.to_data(),
        metadata=metadata_example(),
    )


def names_no_file(reason: str) -> bool:
    """True when a failure reason shown to people mentions no file name, path or ffmpeg context."""
    return not any(part in reason for part in (".mp4", "uploads/", "/tmp", "web", "@ 0x"))
