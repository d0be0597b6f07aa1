"""What a transcode job does with files: the real one (ffmpeg), or a simulated one.

The real job reads the stored upload, makes the ladder, the MP4 and the poster in a scratch
folder, and stores them under `videos/{transcodeId}/`; only then does the handler record
`Transcoded`. A job killed midway has recorded nothing, and its rerun deletes what it left.
The simulated backend exists only to load-test the message flow without media work: it is
chosen by the SIMULATED_MEDIA setting (off by default) and writes no files.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.conf import settings

from transcode import files
from transcode.media import transcode_to_web


@dataclass(frozen=True)
class StoredRendition:
    width: int
    height: int
    bandwidth: int
    playlist_uri: str


@dataclass(frozen=True)
class TranscodeOutput:
    playlist_uri: str
    video_uri: str
    poster_uri: str
    duration_seconds: float
    width: int
    height: int
    renditions: tuple[StoredRendition, ...]


def output_folder(transcode_id: str) -> str:
    return f"videos/{transcode_id}"


def transcode(
    transcode_id: str, source_uri: str, *, cancel: threading.Event | None = None
) -> TranscodeOutput:
    """Turn the stored upload into stored web media; raises MediaError on bad input and
    JobCancelled when `cancel` is set (storing nothing)."""
    if settings.SIMULATED_MEDIA:
        return simulated_transcode(transcode_id, source_uri)
    prefix = output_folder(transcode_id)
    with (
        files.local_copy(source_uri, cancel=cancel) as source,
        files.scratch_folder("transcode-") as folder,
    ):
        made = transcode_to_web(source, folder, cancel=cancel)
        stored = files.save_folder(folder, prefix, last=(made.master_playlist,), cancel=cancel)
    return TranscodeOutput(
        playlist_uri=stored[made.master_playlist],
        video_uri=stored[made.mp4],
        poster_uri=stored[made.poster],
        duration_seconds=made.duration_seconds,
        width=made.width,
        height=made.height,
        renditions=tuple(
            StoredRendition(r.width, r.height, r.bandwidth, stored[r.playlist])
            for r in made.renditions
        ),
    )


def simulated_transcode(transcode_id: str, source_uri: str) -> TranscodeOutput:
    prefix = output_folder(transcode_id)
    rendition = StoredRendition(640, 360, 500_000, f"{prefix}/360p/index.m3u8")
    return TranscodeOutput(
        f"{prefix}/master.m3u8",
        f"{prefix}/web.mp4",
        f"{prefix}/poster.jpg",
        10.0,
        640,
        360,
        (rendition,),
    )
