"""Thin wrapper around the ffmpeg binary bundled with imageio-ffmpeg.

The catalog must run on machines where nothing but Python packages can be installed, so it
relies on the static ffmpeg that ships inside the ``imageio-ffmpeg`` wheel. That build has no
``ffprobe``, so :func:`probe` reads the stream summary ffmpeg prints for ``ffmpeg -i``.

Every failure is turned into :class:`MediaError` with a message a person can act on, because
these messages end up in events and on the video's page: they never name a file or a path (the
full diagnostics go to the log). Long runs can be cancelled through a `threading.Event`: ffmpeg
is then killed within a fraction of a second and :class:`JobCancelled` is raised. Every ffmpeg
is started by :func:`start`, which ties it to the process that started it: a consumer killed
with SIGKILL (the OOM killer, a lost host's supervisor) takes its encoder along instead of
leaving it to burn CPU beside the job's rerun.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 600.0
PROBE_TIMEOUT = 30.0
CANCEL_POLL_SECONDS = 0.1
_STDERR_TAIL_LINES = 8

_INPUT_RE = re.compile(r"^Input #0, (?P<formats>.+?), from ", re.MULTILINE)
_DURATION_RE = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2}(?:\.\d+)?)")
_STREAM_RE = re.compile(r"^\s*Stream #\d+:\d+.*?: (?P<kind>Video|Audio): (?P<desc>.*)$", re.M)
# A leading non-zero digit keeps FourCC tags such as "0x31637661" from looking like a size.
_SIZE_RE = re.compile(r"\b(?P<w>[1-9]\d*)x(?P<h>[1-9]\d*)\b")
_SAR_RE = re.compile(r"\[SAR (?P<num>[1-9]\d*):(?P<den>[1-9]\d*) ")
_ROTATION_RE = re.compile(
    r"rotation of (?P<matrix>-?\d+(?:\.\d+)?) degrees|^\s*rotate\s*:\s*(?P<tag>-?\d+)", re.M
)
_PROGRESS_TIME_RE = re.compile(r"time=(?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2}(?:\.\d+)?)")
# Demuxers that read a single still image; ffmpeg reports those as a one-frame "video".
_STILL_IMAGE_FORMATS = {"image2", "image2pipe"}
# What ffmpeg prefixes to its messages: "[in#0 @ 0x55d0c3a4]" contexts and absolute paths.
_CONTEXT_RE = re.compile(r"\[[^\]]*@ 0x[0-9a-f]+\]\s*")
_PATH_RE = re.compile(r"(?<![\w.])(?:file:)?/[^\s:,'\"]+")


class MediaError(Exception):
    """The media could not be read or processed; the message says why in plain words."""


class JobCancelled(Exception):
    """The job was asked to stop (its cancel event was set); nothing it made may be kept."""


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


def run_ffmpeg(
    args: list[str], *, timeout: float = DEFAULT_TIMEOUT, cancel: threading.Event | None = None
) -> str:
    """Run ffmpeg non-interactively and return its stderr, where ffmpeg writes all diagnostics.

    Raises MediaError with ffmpeg's last complaint (paths removed) if ffmpeg fails or exceeds
    ``timeout``, and JobCancelled (after killing ffmpeg) as soon as ``cancel`` is set.
    """
    returncode, stderr = _execute(args, timeout=timeout, cancel=cancel)
    if returncode != 0:
        logger.warning("ffmpeg exited with %s: %s", returncode, _stderr_tail(stderr))
        raise MediaError(f"ffmpeg could not process the video: {readable_reason(stderr)}")
    return stderr


_PLAIN_REASONS = (
    ("moov atom not found", "the file is incomplete, its index is missing (was it cut short?)"),
    ("received no packets", "no picture or sound in it could be decoded (is it damaged?)"),
    ("Nothing was written into output file", "no picture or sound in it could be decoded"),
    ("Invalid data found when processing input", "the file is damaged or in an unknown format"),
)
"""ffmpeg's words for the failures people meet most (a truncated or damaged upload), and what
they mean to the uploader; ffmpeg's own lines go to the log."""


def readable_reason(stderr: str) -> str:
    """What went wrong, for the uploader: a plain reason for the failures people meet most,
    else ffmpeg's last meaningful line without its context prefixes and without any paths."""
    tail = _stderr_tail(stderr)
    for words, reason in _PLAIN_REASONS:
        if words in tail:
            return reason
    line = _stderr_tail(stderr, 1)
    return _PATH_RE.sub("the file", _CONTEXT_RE.sub("", line)).strip() or "no diagnostic output"


def probe(path: Path) -> VideoInfo:
    """Describe a video file, raising MediaError if it is missing, unreadable or not a video.

    Width and height are the displayed size: a phone video stored as 1920x1080 with a 90 degree
    rotation flag is reported as 1080x1920, matching what ffmpeg produces when transcoding it.
    """
    path = Path(path)
    _require_readable_file(path)
    # "ffmpeg -i" without an output always exits non-zero, so only the text matters here.
    _, header = _execute(["-i", str(path)], timeout=PROBE_TIMEOUT)
    input_match = _INPUT_RE.search(header)
    if input_match is None:
        reason = readable_reason(header).rsplit(": ", 1)[-1]
        raise MediaError(f"not a video: the file cannot be read ({reason})")
    if _is_still_image(input_match.group("formats")):
        raise MediaError("not a video: the file is a still image")
    video_desc, video_block = _first_video_stream(header)
    if video_desc is None:
        raise MediaError("not a video: the file has no video stream")
    width, height = _display_size(video_desc, video_block)
    duration = _header_duration(header)
    if duration is None:
        duration = _decoded_duration(path)
    if duration <= 0:
        raise MediaError("not a video: the file has no playable frames")
    has_audio = any(m.group("kind") == "Audio" for m in _STREAM_RE.finditer(header))
    return VideoInfo(duration_seconds=duration, width=width, height=height, has_audio=has_audio)


def start(args: list[str], **popen: object) -> subprocess.Popen:
    """Start ffmpeg with `args` (after the binary); on Linux the kernel kills it when the
    thread that started it ends, so that it never outlives a killed consumer."""
    return subprocess.Popen([ffmpeg_exe(), *args], preexec_fn=_dying_with(os.getpid()), **popen)


_PR_SET_PDEATHSIG = 1


@functools.cache
def _prctl():
    """Linux's prctl, looked up once (the forked child only makes the call), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _dying_with(parent: int):
    """A pre-exec hook asking for SIGKILL when `parent` dies, or None without prctl."""
    prctl = _prctl()
    if prctl is None:
        return None

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the call: nobody would kill us
            os._exit(1)

    return hook


def _execute(
    args: list[str], *, timeout: float, cancel: threading.Event | None = None
) -> tuple[int, str]:
    """Run ffmpeg to completion, polling ``cancel``; returns (exit code, stderr text)."""
    process = start(
        ["-hide_banner", "-nostdin", "-y", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    with process:
        while True:
            try:
                _, stderr = process.communicate(timeout=CANCEL_POLL_SECONDS)
                return process.returncode, _decode(stderr)
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.is_set():
                    stop(process)
                    raise JobCancelled("cancelled while ffmpeg was running") from None
                if time.monotonic() > deadline:
                    stop(process)
                    raise MediaError(f"ffmpeg timed out after {timeout:g} s") from None


def stop(process: subprocess.Popen) -> None:
    """Kill a child ffmpeg and reap it (a killed encoder's partial output is worthless)."""
    process.kill()
    process.communicate()


def _stderr_tail(stderr: str, lines: int = _STDERR_TAIL_LINES) -> str:
    """The last meaningful stderr lines; progress updates are separated by bare carriage returns."""
    chunks = [chunk.strip() for chunk in re.split(r"[\r\n]+", stderr)]
    meaningful = [chunk for chunk in chunks if chunk]
    return " | ".join(meaningful[-lines:]) or "no diagnostic output"


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _require_readable_file(path: Path) -> None:
    if not path.is_file():
        raise MediaError("file not found: the video file is missing")
    if not os.access(path, os.R_OK):
        raise MediaError("file not readable: the video file cannot be opened")


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


def _display_size(desc: str, block: str) -> tuple[int, int]:
    """The size a player shows: non-square pixels stretched (SAR), quarter turns applied."""
    size = _SIZE_RE.search(desc)
    if size is None:
        raise MediaError("not a video: the frame size cannot be read")
    width, height = int(size.group("w")), int(size.group("h"))
    sar = _SAR_RE.search(desc)
    if sar is not None and sar.group("num") != sar.group("den"):
        width = max(1, round(width * int(sar.group("num")) / int(sar.group("den"))))
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
