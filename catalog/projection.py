"""The video as the catalog process sees it, folded from `catalog-{videoId}`."""

from __future__ import annotations

from dataclasses import dataclass, replace

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


projection = Projection(
    initial=Video,
    handlers={
        "Started": lambda video, m: replace(video, started=True, source_uri=m.data.get("uri")),
        "Transcoded": lambda video, m: replace(
            video, transcoded=True, video_uri=m.data.get("transcodedUri")
        ),
        "TranscodeFailed": lambda video, _m: replace(video, failed=True),
        "Transcribed": lambda video, _m: replace(video, transcribed=True),
        "TranscribeFailed": lambda video, _m: replace(video, failed=True),
        "Cataloged": lambda video, _m: replace(video, cataloged=True),
    },
)
