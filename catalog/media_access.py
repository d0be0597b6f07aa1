"""Who may read a video's files straight from the bucket, when pages give plain URLs.

With `AWS_QUERYSTRING_AUTH=false` (a public-read bucket or a CDN in front of one), pages link
to the files of public and unlisted videos by their plain URLs, so those objects must be
readable by anyone: and the files of a private video must not be, or anyone who knows (or
once saw) their URL could fetch them. Objects are written private; the catalog grants the
`public-read` ACL to a video's files (never its upload) when they arrive and the video is not
private, and takes it back when the video becomes private. It follows the catalog's own events
(`Transcoded`, `Transcribed`, `VisibilityChanged`), always applying the video's visibility as
it is now, so replays and reordering converge. With presigned URLs (the default) nothing is
ever public and this does nothing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from catalog import erasure, messages
from catalog.projection import file_names
from catalog.upcasters import upcaster
from message_store.messages import Message
from message_store.projection import Projection
from message_store.store import MessageStore
from transcode import files

logger = logging.getLogger(__name__)

READABLE_BY_ANYONE = (messages.PUBLIC, messages.UNLISTED)


@dataclass(frozen=True)
class MediaAccess:
    visibility: str = messages.PUBLIC
    deleted: bool = False
    files: tuple[str, ...] = ()
    """The video's media (web video, poster, playlists, captions): never its upload."""

    @property
    def public(self) -> bool:
        return self.visibility in READABLE_BY_ANYONE and not self.deleted


def _visibility(access: MediaAccess, message: Message) -> MediaAccess:
    value = message.data.get("visibility", messages.PUBLIC)
    return replace(access, visibility=value if value in messages.VISIBILITIES else "private")


def _with(*keys: str):
    def fold(access: MediaAccess, message: Message) -> MediaAccess:
        added = [name for name in file_names(message.data, *keys) if name not in access.files]
        return replace(access, files=(*access.files, *added))

    return fold


projection = upcaster.projection(
    Projection(
        initial=MediaAccess,
        handlers={
            "Started": _visibility,
            "VisibilityChanged": _visibility,
            "Transcoded": _with("transcodedUri", "posterUri", "playlistUri"),
            "Transcribed": _with("captionsUri"),
            "Deleted": lambda access, _m: replace(access, deleted=True),
        },
    )
)


def handle_media_access(message: Message, *, store: MessageStore) -> None:
    """Give the video's files the access its visibility says (idempotent)."""
    if files.serves_public_read():
        apply(store, message.stream_name)


def apply(store: MessageStore, stream_name: str) -> int:
    """Give the files of the video of `stream_name` the access its visibility says; return
    how many objects were set."""
    access, _ = store.fetch(stream_name, projection)
    if access.deleted or not access.files:
        return 0
    names = [name for name in access.files if erasure.is_storage_name(name)]
    changed = files.set_public(_outermost(names), public=access.public)
    state = "readable by anyone" if access.public else "private"
    logger.info("%s files of %s %s", changed, stream_name, state)
    return changed


def _outermost(names: list[str]) -> list[str]:
    """The video's own folders and the files outside them, none inside another (each
    folder is listed once, with everything under it)."""
    folders = set(erasure.own_folders(names))
    outer = sorted(f for f in folders if not any(f.startswith(g + "/") for g in folders))
    return outer + [n for n in names if not any(n.startswith(f + "/") for f in outer)]


def video_streams(store: MessageStore) -> Iterator[str]:
    """Every video's stream, once each, in the order the videos were started."""
    seen: set[str] = set()
    position = 0
    while batch := store.read(messages.CATEGORY, position=position, batch_size=1000):
        for message in batch:
            if message.stream_name not in seen:
                seen.add(message.stream_name)
                yield message.stream_name
        position = batch[-1].global_position + 1


Handler = Callable[..., None]


def first(handler: Handler) -> Handler:
    """`handler`, run once the video's files have their access: a step that makes the video
    playable (`Cataloged`) then never shows plain URLs that the bucket still refuses."""

    @functools.wraps(handler)
    def handle(message: Message, *, store: MessageStore) -> None:
        handle_media_access(message, store=store)
        handler(message, store=store)

    return handle
