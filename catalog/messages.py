"""The catalog component's messages and streams: the process that turns an upload into a video.

The web app writes `Catalog` to `catalog:command-{videoId}`. Everything else lives in the video's
own stream `catalog-{videoId}`: `Started`, then copies of the outcomes of the jobs it started
(`Transcoded` / `TranscodeFailed`, `Transcribed` / `TranscribeFailed`), then `Cataloged`.
Job ids derive from the video id, so reprocessing never starts a second job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from message_store.contracts import MessageData
from message_store.messages import derived_id
from message_store.streams import stream_name

CATEGORY = "catalog"
COMMAND_CATEGORY = "catalog:command"


def command_stream(video_id: str) -> str:
    return stream_name(COMMAND_CATEGORY, video_id)


def entity_stream(video_id: str) -> str:
    return stream_name(CATEGORY, video_id)


def transcode_id(video_id: str) -> str:
    return derived_id("transcode", video_id)


def transcribe_id(video_id: str) -> str:
    return derived_id("transcribe", video_id)


@dataclass(frozen=True, kw_only=True)
class Catalog(MessageData):
    """Catalog the upload stored at `uri`. The owner is the command's `userId` (metadata)."""

    video_id: str
    uri: str
    title: str = ""


@dataclass(frozen=True, kw_only=True)
class Started(MessageData):
    video_id: str
    uri: str
    title: str = ""
    owner_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Transcoded(MessageData):
    video_id: str
    transcode_id: str
    uri: str
    transcoded_uri: str
    poster_uri: str
    duration_seconds: float
    width: int
    height: int
    playlist_uri: str | None = None
    renditions: list = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class TranscodeFailed(MessageData):
    video_id: str
    transcode_id: str
    uri: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Transcribed(MessageData):
    video_id: str
    transcribe_id: str
    uri: str
    transcription: str = ""
    captions_uri: str
    segments: list = field(default_factory=list)
    language: str = ""


@dataclass(frozen=True, kw_only=True)
class TranscribeFailed(MessageData):
    video_id: str
    transcribe_id: str
    uri: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Cataloged(MessageData):
    video_id: str
