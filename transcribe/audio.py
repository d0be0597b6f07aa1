"""A video's sound as the recogniser needs it: 16 kHz mono float samples, a window at a time.

ffmpeg decodes the first audio track into a pipe, and the samples are read in windows of a
couple of minutes, so memory stays the same for a ten-second clip and a three-hour lecture.
A window ends at the quietest moment near its end (speech pauses there), never in the middle of
a loud stretch, so a word is not cut in two; the rest carries over into the next window.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from transcode.ffmpeg import JobCancelled, MediaError, readable_reason, start, stop

SAMPLE_RATE = 16_000
WINDOW_SECONDS = 120.0
CUT_SEARCH_SECONDS = 10.0
"""How far back from a window's end to look for its quietest moment."""
_FRAME = SAMPLE_RATE // 20  # 50 ms: loudness is compared frame by frame
_BYTES_PER_SAMPLE = 4


@dataclass(frozen=True)
class Window:
    """`samples` heard from `offset` seconds on."""

    offset: float
    samples: np.ndarray

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def windows(
    source: Path,
    *,
    window_seconds: float = WINDOW_SECONDS,
    cancel: threading.Event | None = None,
) -> Iterator[Window]:
    """The first audio track of `source` in consecutive windows of at most `window_seconds`.

    Raises MediaError if ffmpeg cannot decode the sound, JobCancelled once `cancel` is set.
    Close the iterator (or exhaust it) to stop ffmpeg.
    """
    window = round(window_seconds * SAMPLE_RATE)
    search = min(round(CUT_SEARCH_SECONDS * SAMPLE_RATE), window // 2)
    with tempfile.TemporaryFile() as errors:
        process = start(
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(source),
             "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(SAMPLE_RATE),
             "-f", "f32le", "-"],
            stdout=subprocess.PIPE,
            stderr=errors,
        )  # fmt: skip
        try:
            yield from _read(process, window, search, cancel)
            if process.wait() != 0:
                errors.seek(0)
                reason = readable_reason(errors.read().decode("utf-8", errors="replace"))
                raise MediaError(f"the sound could not be decoded: {reason}")
        finally:
            if process.poll() is None:
                stop(process)
            process.stdout.close()


def _read(
    process: subprocess.Popen, window: int, search: int, cancel: threading.Event | None
) -> Iterator[Window]:
    carried = np.empty(0, dtype=np.float32)
    consumed = 0
    while True:
        if cancel is not None and cancel.is_set():
            raise JobCancelled("cancelled while reading the sound")
        wanted = (window - len(carried)) * _BYTES_PER_SAMPLE
        data = process.stdout.read(wanted)
        usable = len(data) - len(data) % _BYTES_PER_SAMPLE
        block = np.concatenate([carried, np.frombuffer(data[:usable], dtype=np.float32)])
        if len(data) < wanted:
            if len(block):
                yield Window(consumed / SAMPLE_RATE, block)
            return
        cut = quietest_cut(block, search)
        yield Window(consumed / SAMPLE_RATE, block[:cut])
        consumed += cut
        carried = block[cut:].copy()


def quietest_cut(samples: np.ndarray, search: int) -> int:
    """The index, within the last `search` samples, at the start of the quietest 50 ms."""
    start = len(samples) - search
    frames = samples[start : start + (search // _FRAME) * _FRAME].reshape(-1, _FRAME)
    if not len(frames):
        return len(samples)
    energy = np.square(frames, dtype=np.float64).mean(axis=1)
    return start + int(np.argmin(energy)) * _FRAME + _FRAME // 2
