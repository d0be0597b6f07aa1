"""What a transcode job does with files: the real one (ffmpeg), or a simulated one.

The simulated backend exists only to load-test the message flow without media work: it is
chosen by the SIMULATED_MEDIA setting (off by default) and writes no files.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from transcode import files
from transcode.media import transcode_to_web


@dataclass(frozen=True)
class TranscodeOutput:
    video_uri: str
    poster_uri: str
    duration_seconds: float
    width: int
    height: int


def output_names(transcode_id: str) -> tuple[str, str]:
    return f"videos/{transcode_id}/web.mp4", f"videos/{transcode_id}/poster.jpg"


def transcode(transcode_id: str, source_uri: str) -> TranscodeOutput:
    """Turn the stored upload into a web MP4 and a poster; raises MediaError on bad input."""
    if settings.SIMULATED_MEDIA:
        return simulated_transcode(transcode_id, source_uri)
    video_name, poster_name = output_names(transcode_id)
    with files.local_copy(source_uri) as source, tempfile.TemporaryDirectory() as folder:
        video, poster = Path(folder) / "web.mp4", Path(folder) / "poster.jpg"
        info = transcode_to_web(source, video, poster)
        poster_uri = files.save(poster, poster_name)
        video_uri = files.save(video, video_name)
    return TranscodeOutput(video_uri, poster_uri, info.duration_seconds, info.width, info.height)


def simulated_transcode(transcode_id: str, source_uri: str) -> TranscodeOutput:
    video_name, poster_name = output_names(transcode_id)
    return TranscodeOutput(video_name, poster_name, 10.0, 640, 360)
