"""The video as the catalog process sees it, folded from `catalog-{videoId}` (in today's shapes:
older ones go through `catalog.upcasters` first).

Besides the steps of the process it keeps what the owner's commands need: who owns the video,
whether it is deleted or erased, and the names of every file it has, so a delete removes them.
An erased message keeps its type and identifiers only, so every `.get` here may find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from catalog.upcasters import upcaster
from message_store.messages import Message
from message_store.projection import Projection


@dataclass(frozen=True)
class Video:
    started: bool = False
    source_uri: str | None = None
    transcoded: bool = False
    video_uri: str | None = None
    transcribed: bool = False
    cataloged: bool = False
    failed: bool = False
    owner_id: str | None = None
    deleted: bool = False
    erased: bool = False
    files: tuple[str, ...] = ()
    """Every file name the video's events mention (source, web video, poster, captions, HLS)."""

    @property
    def finished(self) -> bool:
        """No more work for this video: it is ready, failed or deleted."""
        return self.cataloged or self.failed or self.deleted

    @property
    def playable(self) -> bool:
        return self.transcoded and bool(self.video_uri)


def file_names(data: dict, *keys: str) -> tuple[str, ...]:
    """The non-empty string values of `keys`, and the `playlistUri` of each rendition."""
    names = [data.get(key) for key in keys]
    renditions = data.get("renditions")
    if isinstance(renditions, list):
        names += [item.get("playlistUri") for item in renditions if isinstance(item, dict)]
    return tuple(name for name in names if isinstance(name, str) and name)


def _text(message: Message, key: str) -> str | None:
    """A value from another writer is used only if it is a non-empty string."""
    value = message.data.get(key)
    return value if isinstance(value, str) and value else None


def _with_files(video: Video, message: Message, *keys: str) -> Video:
    added = [name for name in file_names(message.data, *keys) if name not in video.files]
    return replace(video, files=(*video.files, *added))


def _started(video: Video, message: Message) -> Video:
    video = replace(
        video, started=True, source_uri=_text(message, "uri"), owner_id=_text(message, "ownerId")
    )
    return _with_files(video, message, "uri")


def _transcoded(video: Video, message: Message) -> Video:
    video = replace(video, transcoded=True, video_uri=_text(message, "transcodedUri"))
    return _with_files(video, message, "uri", "transcodedUri", "posterUri", "playlistUri")


def _transcribed(video: Video, message: Message) -> Video:
    return _with_files(replace(video, transcribed=True), message, "captionsUri")


projection = upcaster.projection(
    Projection(
        initial=Video,
        handlers={
            "Started": _started,
            "Transcoded": _transcoded,
            "TranscodeFailed": lambda video, _m: replace(video, failed=True),
            "Transcribed": _transcribed,
            "TranscribeFailed": lambda video, _m: replace(video, failed=True),
            "Cataloged": lambda video, _m: replace(video, cataloged=True),
            "Deleted": lambda video, _m: replace(video, deleted=True),
            "Erased": lambda video, _m: replace(video, erased=True),
        },
    )
)
