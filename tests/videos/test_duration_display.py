"""A video's length on its cards and page reads as the player beside it counts it: whole
seconds, down (a 3.88 s clip is 0:03, not 0:04)."""

from __future__ import annotations

import pytest

from videos.models import Video


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(None, ""), (0.4, "0:00"), (3.88, "0:03"), (59.99, "0:59"), (60, "1:00"), (3725.2, "1:02:05")],
)
def test_the_length_shown_counts_whole_seconds(seconds: float | None, shown: str) -> None:
    assert Video(duration_seconds=seconds).duration_display == shown
