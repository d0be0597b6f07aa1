"""Turn an uploaded video into the one format every browser plays, plus a poster image.

Uploads arrive in whatever container and codec a camera or phone produced. Rather than hoping
the browser copes, each upload is re-encoded once to H.264/AAC in MP4 with the index at the
front (``+faststart``) so playback can begin before the whole file has downloaded. Settings are
chosen for a small 2-core server: ``veryfast`` preset, at most 1280 pixels wide, 60 fps cap.

Outputs are written to hidden temporary files next to their destinations and renamed into place
only when both are complete, so a reader never sees half a video and a failure leaves nothing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from transcode.ffmpeg import MediaError, VideoInfo, probe, run_ffmpeg

MAX_WIDTH = 1280
MAX_FPS = 60
POSTER_OFFSET_SECONDS = 1.0
# Clips shorter than this get their first frame as poster: seeking near the end can yield none.
_MIN_SECONDS_FOR_POSTER_SEEK = 2.0

# Even dimensions are required by yuv420p; "dar" keeps non-square-pixel sources undistorted.
_SCALE_FILTER = (
    f"scale=w='max(2,min({MAX_WIDTH},trunc(iw*sar/2)*2))':h='max(2,trunc(ow/dar/2)*2)',setsar=1"
)
# Mono stays mono; anything with more channels is downmixed to stereo.
_AUDIO_FILTER = "aformat=sample_rates=48000:channel_layouts=mono|stereo"


def transcode_to_web(source: Path, video_out: Path, poster_out: Path) -> VideoInfo:
    """Write a web-playable MP4 to ``video_out`` and a JPEG poster to ``poster_out``.

    Returns the description of the produced MP4 (not of the source), since that is what
    the catalog serves. Raises MediaError, leaving neither output behind, if anything fails.
    """
    source, video_out, poster_out = Path(source), Path(video_out), Path(poster_out)
    source_info = probe(source)
    with _staged(video_out) as video_tmp, _staged(poster_out) as poster_tmp:
        run_ffmpeg(_video_args(source, video_tmp, source_info), timeout=_timeout(source_info))
        output_info = probe(video_tmp)
        run_ffmpeg(_poster_args(video_tmp, poster_tmp, output_info))
        if poster_tmp.stat().st_size == 0:
            raise MediaError("ffmpeg failed: no poster frame could be extracted")
        # Poster first: an existing video file then implies its poster exists too.
        os.replace(poster_tmp, poster_out)
        os.replace(video_tmp, video_out)
    return output_info


def _video_args(source: Path, target: Path, info: VideoInfo) -> list[str]:
    args = ["-loglevel", "error", "-i", str(source), "-map", "0:v:0"]
    if info.has_audio:
        args += ["-map", "0:a:0"]
    # Dropping container metadata also drops things like a phone's GPS position.
    args += ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]
    args += ["-vf", _SCALE_FILTER, "-fpsmax", str(MAX_FPS)]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"]
    args += ["-pix_fmt", "yuv420p", "-profile:v", "high"]
    if info.has_audio:
        args += ["-af", _AUDIO_FILTER, "-c:a", "aac", "-b:a", "128k"]
    return [*args, "-movflags", "+faststart", "-f", "mp4", str(target)]


def _poster_args(video: Path, target: Path, info: VideoInfo) -> list[str]:
    offset = POSTER_OFFSET_SECONDS if info.duration_seconds >= _MIN_SECONDS_FOR_POSTER_SEEK else 0
    return [
        "-loglevel", "error", "-ss", f"{offset:g}", "-i", str(video),
        "-frames:v", "1", "-c:v", "mjpeg", "-q:v", "3",
        "-f", "image2", "-update", "1", str(target),
    ]  # fmt: skip


def _timeout(info: VideoInfo) -> float:
    """Generous bound on encode time so a wedged ffmpeg cannot hold a worker forever."""
    return 120.0 + 4.0 * info.duration_seconds


@contextlib.contextmanager
def _staged(final: Path) -> Iterator[Path]:
    """A temporary sibling of ``final``; removed afterwards unless it was renamed into place."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".partial")
    os.close(fd)
    temporary = Path(name)
    temporary.chmod(0o644)  # mkstemp makes it private; the web server must be able to read it.
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)
