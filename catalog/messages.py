"""The catalog component's messages and streams: the process that turns an upload into a video.

The web app writes `Catalog` to `catalog:command-{videoId}`. Everything else lives in the video's
own stream `catalog-{videoId}`: `Started`, then copies of the outcomes of the jobs it started
(`Transcoded` / `TranscodeFailed`, `Transcribed` / `TranscribeFailed`), then `Cataloged`.
Job ids derive from the video id, so reprocessing never starts a second job.

The owner's commands share the command stream: `ChangeDetails`, `ChangeVisibility` and `Delete`.
The catalog answers each with an event (`DetailsChanged`, `VisibilityChanged`, `Deleted`) or
with `CommandRefused`; after `Deleted` it erases the video and records `Erased`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from catalog import checks
from message_store.contracts import MessageData
from message_store.messages import Message, derived_id
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


TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
PUBLIC, UNLISTED, PRIVATE = "public", "unlisted", "private"
VISIBILITIES = (PUBLIC, UNLISTED, PRIVATE)
"""public: listed and searchable; unlisted: anyone with the link; private: owner and staff."""


class _VideoSource(MessageData):
    """`Catalog` and `Started` name a video and its upload: both are checked as they are read
    (`catalog.checks`), so a bad id or source is parked before any job starts."""

    video_id: str
    uri: str

    @classmethod
    def parse(cls, message: Message) -> Self:
        parsed = super().parse(message)
        checks.require_uuid(message, "videoId", parsed.video_id)
        checks.require_storage_name(message, "uri", parsed.uri)
        return parsed


@dataclass(frozen=True, kw_only=True)
class Catalog(_VideoSource):
    """Catalog the upload stored at `uri`. The owner is the command's `userId` (metadata)."""

    video_id: str
    uri: str
    title: str = ""
    description: str = ""
    visibility: str = PUBLIC


@dataclass(frozen=True, kw_only=True)
class Started(_VideoSource):
    video_id: str
    uri: str
    title: str = ""
    owner_id: str | None = None
    description: str = ""
    visibility: str = PUBLIC


# The copies of the jobs' outcomes. What the workshop's jobs do not report (a poster, a size,
# captions) may be missing: the video is still playable with what it has. `uri`, the source,
# is missing from our earliest copies; the catalog reads the source from `Started`.


@dataclass(frozen=True, kw_only=True)
class Transcoded(MessageData):
    video_id: str
    transcode_id: str
    uri: str | None = None
    transcoded_uri: str
    poster_uri: str | None = None
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None
    playlist_uri: str | None = None
    renditions: list = field(default_factory=list)
    """Each `{width, height, bandwidth, playlistUri}`, smallest first."""


@dataclass(frozen=True, kw_only=True)
class TranscodeFailed(MessageData):
    video_id: str
    transcode_id: str
    uri: str | None = None
    reason: str


@dataclass(frozen=True, kw_only=True)
class Transcribed(MessageData):
    video_id: str
    transcribe_id: str
    uri: str | None = None
    transcription: str = ""
    captions_uri: str | None = None
    segments: list = field(default_factory=list)
    """The caption cues, each `{start, end, text}` in seconds."""
    language: str = ""


@dataclass(frozen=True, kw_only=True)
class TranscribeFailed(MessageData):
    video_id: str
    transcribe_id: str
    uri: str | None = None
    reason: str


@dataclass(frozen=True, kw_only=True)
class Cataloged(MessageData):
    video_id: str


# The owner's commands and their outcomes ------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ChangeDetails(MessageData):
    """Give the video a new title and description (plain text). Sent by its owner or staff."""

    video_id: str
    title: str
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class ChangeVisibility(MessageData):
    video_id: str
    visibility: str


@dataclass(frozen=True, kw_only=True)
class Delete(MessageData):
    """Delete the video: stop its work, remove its files and erase what its owner wrote or said."""

    video_id: str


@dataclass(frozen=True, kw_only=True)
class DetailsChanged(MessageData):
    video_id: str
    title: str
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class VisibilityChanged(MessageData):
    video_id: str
    visibility: str


@dataclass(frozen=True, kw_only=True)
class Deleted(MessageData):
    video_id: str


@dataclass(frozen=True, kw_only=True)
class Erased(MessageData):
    """The video's files are removed and its streams erased (see docs/erasure.md)."""

    video_id: str
    messages: int = 0
    files: int = 0


@dataclass(frozen=True, kw_only=True)
class CommandRefused(MessageData):
    """A command the catalog did not apply, and why (not the owner, deleted, a bad value)."""

    video_id: str
    command: str
    reason: str
