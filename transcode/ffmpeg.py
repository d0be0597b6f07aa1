"""Thin wrapper around the ffmpeg binary bundled with imageio-ffmpeg.

The catalog must run on machines where nothing but Python packages can be installed, so it
relies on the static ffmpeg that ships inside the ``imageio-ffmpeg`` wheel. That build has no
``ffprobe``, so :func:`probe` reads the stream summary ffmpeg prints for ``ffmpeg -i``.

Every failure is turned into :class:`MediaError` with a message a person can act on, because
these messages end up in events and in the UI when an upload is rejected.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

DEFAULT_TIMEOUT = 600.0
PROBE_TIMEOUT = 30.0
_STDERR_TAIL_LINES = 8

_INPUT_RE = re.compile(r"^Input #0, (?P<formats>.+?), from ", re.MULTILINE)
_DURATION_RE = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2}(?:\.\d+)?)")
_STREAM_RE = re.compile(r"^\s*Stream #\d+:\d+.*?: (?P<kind>Video|Audio): (?P<desc>.*)$", re.M)
# A leading non-zero digit keeps FourCC tags such as "0x31637661" from looking like a size.
_SIZE_RE = re.compile(r"\b(?P<w>[1-9]\d*)x(?P<h>[1-9]\d*)\b")
_ROTATION_RE = re.compile(
    r"rotation of (?P<matrix>-?\d+(?:\.\d+)?) degrees|^\s*rotate\s*:\s*(?P<tag>-?\d+)", re.M
)
_PROGRESS_TIME_RE = re.compile(r"time=(?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2}(?:\.\d+)?)")
# Demuxers that read a single still image; ffmpeg reports those as a one-frame "video".
_STILL_IMAGE_FORMATS = {"image2", "image2pipe"}


class MediaError(Exception):
    """The media could not be read or processed; the message says why in plain words."""


class NoAudioError(MediaError):
    """The media is readable but has no audio stream (so there is nothing to transcribe)."""


@dataclass(frozen=True)
class VideoInfo:
    """What the catalog needs to know about a video, in display orientation."""

    duration_seconds: float
    width: int
    height: int
    has_audio: bool


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the bundled ffmpeg binary (looked up once; the lookup touches the filesystem)."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(args: list[str], *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Run ffmpeg non-interactively and return its stderr, where ffmpeg writes all diagnostics.

    Raises MediaError carrying the last stderr lines if ffmpeg fails or exceeds ``timeout``.
    """
    completed = _execute(args, timeout=timeout)
    stderr = _decode(completed.stderr)
    if completed.returncode != 0:
        raise MediaError(f"ffmpeg failed: {_stderr_tail(stderr)}")
    return stderr


def probe(path: Path) -> VideoInfo:
    """Describe a video file, raising MediaError if it is missing, unreadable or not a video.

    Width and height are the displayed size: a phone video stored as 1920x1080 with a 90 degree
    rotation flag is reported as 1080x1920, matching what ffmpeg produces when transcoding it.
    """
    path = Path(path)
    _require_readable_file(path)
    # "ffmpeg -i" without an output always exits non-zero, so only the text matters here.
    header = _decode(_execute(["-i", str(path)], timeout=PROBE_TIMEOUT).stderr)
    input_match = _INPUT_RE.search(header)
    if input_match is None:
        reason = _stderr_tail(header, 1).rsplit(": ", 1)[-1]
        raise MediaError(f"not a video: ffmpeg cannot read {path.name} ({reason})")
    if _is_still_image(input_match.group("formats")):
        raise MediaError(f"not a video: {path.name} is a still image")
    video_desc, video_block = _first_video_stream(header)
    if video_desc is None:
        raise MediaError(f"not a video: {path.name} has no video stream")
    width, height = _display_size(video_desc, video_block, path)
    duration = _header_duration(header)
    if duration is None:
        duration = _decoded_duration(path)
    if duration <= 0:
        raise MediaError(f"not a video: {path.name} has no playable frames")
    has_audio = any(m.group("kind") == "Audio" for m in _STREAM_RE.finditer(header))
    return VideoInfo(duration_seconds=duration, width=width, height=height, has_audio=has_audio)


def _execute(args: list[str], *, timeout: float) -> subprocess.CompletedProcess[bytes]:
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    try:
        return subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        tail = _stderr_tail(_decode(exc.stderr or b""))
        raise MediaError(f"ffmpeg timed out after {timeout:g} s: {tail}") from exc


def _stderr_tail(stderr: str, lines: int = _STDERR_TAIL_LINES) -> str:
    """The last meaningful stderr lines; progress updates are separated by bare carriage returns."""
    chunks = [chunk.strip() for chunk in re.split(r"[\r\n]+", stderr)]
    meaningful = [chunk for chunk in chunks if chunk]
    return " | ".join(meaningful[-lines:]) or "no diagnostic output"


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _require_readable_file(path: Path) -> None:
    if not path.is_file():
        raise MediaError(f"file not found: {path}")
    if not os.access(path, os.R_OK):
        raise MediaError(f"file not readable: {path}")


def _is_still_image(formats: str) -> bool:
    names = {name.strip() for name in formats.split(",")}
    return any(name in _STILL_IMAGE_FORMATS or name.endswith("_pipe") for name in names)


def _first_video_stream(header: str) -> tuple[str | None, str]:
    """The first real video stream's description and the text block up to the next stream.

    Cover art in audio files shows up as an "(attached pic)" video stream; it is not a video.
    """
    matches = list(_STREAM_RE.finditer(header))
    for index, match in enumerate(matches):
        desc = match.group("desc")
        if match.group("kind") != "Video" or "(attached pic)" in desc:
            continue
        block_end = matches[index + 1].start() if index + 1 < len(matches) else len(header)
        return desc, header[match.end() : block_end]
    return None, ""


def _display_size(desc: str, block: str, path: Path) -> tuple[int, int]:
    size = _SIZE_RE.search(desc)
    if size is None:
        raise MediaError(f"not a video: cannot tell the frame size of {path.name}")
    width, height = int(size.group("w")), int(size.group("h"))
    if _is_quarter_turn(block):
        width, height = height, width
    return width, height


def _is_quarter_turn(block: str) -> bool:
    match = _ROTATION_RE.search(block)
    if match is None:
        return False
    degrees = round(float(match.group("matrix") or match.group("tag")))
    return degrees % 180 == 90


def _header_duration(header: str) -> float | None:
    match = _DURATION_RE.search(header)
    return _seconds(match) if match else None


def _decoded_duration(path: Path) -> float:
    """Duration found by decoding, for containers (e.g. browser-recorded WebM) that omit it."""
    stderr = run_ffmpeg(["-i", str(path), "-map", "0:v:0", "-f", "null", "-"])
    times = list(_PROGRESS_TIME_RE.finditer(stderr))
    return _seconds(times[-1]) if times else 0.0


def _seconds(match: re.Match[str]) -> float:
    return int(match.group("h")) * 3600 + int(match.group("m")) * 60 + float(match.group("s"))
