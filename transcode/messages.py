"""The transcode component's messages and streams.

`Transcode` arrives in `transcode:command-{transcodeId}`; the outcome, `Transcoded` or
`TranscodeFailed`, is written to `transcode-{transcodeId}`. The command and entity streams share
the same id, so the entity stream is always found from the command. A `Transcoded` written by
the workshop's transcode component has no poster, duration or size: those are optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from message_store.contracts import MessageData
from message_store.streams import stream_name

CATEGORY = "transcode"
COMMAND_CATEGORY = "transcode:command"


def command_stream(transcode_id: str) -> str:
    return stream_name(COMMAND_CATEGORY, transcode_id)


def entity_stream(transcode_id: str) -> str:
    return stream_name(CATEGORY, transcode_id)


@dataclass(frozen=True, kw_only=True)
class Transcode(MessageData):
    transcode_id: str
    uri: str


@dataclass(frozen=True, kw_only=True)
class Transcoded(MessageData):
    """`transcodedUri` is the download MP4, `playlistUri` the HLS master playlist, and
    `renditions` its rungs: `{width, height, bandwidth, playlistUri}` each, smallest first.
    The two last are absent from events written before HLS (read as None and [])."""

    transcode_id: str
    uri: str
    transcoded_uri: str
    poster_uri: str | None = None
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None
    playlist_uri: str | None = None
    renditions: list = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class TranscodeFailed(MessageData):
    transcode_id: str
    uri: str
    reason: str
