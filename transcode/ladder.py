"""The HLS rendition ladder: which sizes and bitrates a video is encoded at.

Rungs are the standard heights 240, 360, 480, 720 and 1080 ("p" names the short side, so a
portrait 1080x1920 phone video gets a 1080 rung of 1080x1920). Each rung's box is 16:9 (9:16 for
portrait); the video is fitted into the box with its aspect kept, in even dimensions (yuv420p
needs them), and never enlarged. A rung whose fitted size equals the one below it is dropped,
so a 640x360 source gets 240 and 360, a 1280x720 source 240 to 720, and a source smaller than
every box one rung at its own size: always at least one, never an upscale.

Bitrates come from Apple's "HLS Authoring Specification for Apple Devices" (developer.apple.com,
section 1 "Video", table of recommended 16:9 H.264 variants: 416x234 at 145 kb/s, 640x360 at
365, 768x432 at 730 and 1100, 960x540 at 2000, 1280x720 at 3000 and 4500, 1920x1080 at 6000 and
7800). Each standard height takes the row of the nearest height in that table, the higher of a
pair where the spec gives two for one size (our single rung per height must serve both):
240 <- 416x234 (145), 360 <- 640x360 (365), 480 <- 768x432 (1100), 720 <- 1280x720 (4500),
1080 <- 1920x1080 (7800). They are the rungs' peak rates (x264's VBV `maxrate`, with quality
from CRF below it), so a simple picture takes less and the playlist reports what was measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LADDER_KBPS: dict[int, int] = {240: 145, 360: 365, 480: 1100, 720: 4500, 1080: 7800}
"""Video peak bitrate in kb/s by rung (short side), from Apple's table (see the module doc)."""

MP4_MAX_SHORT_SIDE = 720
"""The downloadable MP4 is the highest rung up to 720p: small enough for any device."""

AUDIO_KBPS = 128


@dataclass(frozen=True)
class Rung:
    """One rendition to encode: its name (e.g. `360p`), frame size and peak video bitrate."""

    short_side: int
    width: int
    height: int
    video_kbps: int

    @property
    def name(self) -> str:
        return f"{self.short_side}p"


def ladder(width: int, height: int) -> list[Rung]:
    """The rungs for a source displayed at `width` x `height`, smallest first."""
    if width < 1 or height < 1:
        raise ValueError(f"a video has a positive size, not {width}x{height}")
    portrait = height > width
    rungs: list[Rung] = []
    for short_side, kbps in LADDER_KBPS.items():
        long_side = math.ceil(short_side * 16 / 9)
        box = (short_side, long_side) if portrait else (long_side, short_side)
        size = _fit(width, height, *box)
        if rungs and (rungs[-1].width, rungs[-1].height) == size:
            break
        rungs.append(Rung(short_side, *size, video_kbps=kbps))
    return rungs


def mp4_rung(rungs: list[Rung]) -> Rung:
    """The rung the download MP4 is made from: the highest one up to 720p."""
    fitting = [rung for rung in rungs if rung.short_side <= MP4_MAX_SHORT_SIDE]
    return fitting[-1] if fitting else rungs[0]


def _fit(width: int, height: int, box_width: int, box_height: int) -> tuple[int, int]:
    """`width` x `height` scaled into the box (never up), aspect kept, in even numbers."""
    scale = min(box_width / width, box_height / height, 1.0)
    return (
        _even(width * scale, min(width, box_width)),
        _even(height * scale, min(height, box_height)),
    )


def _even(value: float, limit: int) -> int:
    """The nearest even number to `value`, at least 2 and at most `limit` (source and box)."""
    even = 2 * round(value / 2)
    return max(2, min(even, limit - limit % 2))
