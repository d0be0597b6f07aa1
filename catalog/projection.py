"""The video as the catalog process sees it, folded from `catalog-{videoId}` (in today's shapes:
older ones go through `catalog.upcasters` first)."""

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

    @property
    def finished(self) -> bool:
        return self.cataloged or self.failed

    @property
    def playable(self) -> bool:
        return self.transcoded and bool(self.video_uri)


def _text(message: Message, key: str) -> str | None:
    """A file name from another writer is used only if it is a string."""
    value = message.data.get(key)
    return value if isinstance(value, str) else None


projection = upcaster.projection(
    Projection(
        initial=Video,
        handlers={
            "Started": lambda video, m: replace(video, started=True, source_uri=_text(m, "uri")),
            "Transcoded": lambda video, m: replace(
                video, transcoded=True, video_uri=_text(m, "transcodedUri")
            ),
            "TranscodeFailed": lambda video, _m: replace(video, failed=True),
            "Transcribed": lambda video, _m: replace(video, transcribed=True),
            "TranscribeFailed": lambda video, _m: replace(video, failed=True),
            "Cataloged": lambda video, _m: replace(video, cataloged=True),
        },
    )
)
