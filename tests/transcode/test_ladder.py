"""The ladder: standard heights up to the source's, never an upscale, aspect and orientation
kept in even sizes, always at least one rung, bitrates rising with size."""

from __future__ import annotations

import pytest

from transcode.ladder import LADDER_KBPS, ladder, mp4_rung


def sizes(width: int, height: int) -> list[tuple[str, int, int]]:
    return [(rung.name, rung.width, rung.height) for rung in ladder(width, height)]


def test_a_720p_source_gets_240_to_720_and_no_1080() -> None:
    assert sizes(1280, 720) == [
        ("240p", 426, 240),
        ("360p", 640, 360),
        ("480p", 854, 480),
        ("720p", 1280, 720),
    ]


def test_a_360p_source_gets_240_and_360() -> None:
    assert sizes(640, 360) == [("240p", 426, 240), ("360p", 640, 360)]


def test_a_1080p_source_gets_every_rung() -> None:
    assert [name for name, _, _ in sizes(1920, 1080)] == ["240p", "360p", "480p", "720p", "1080p"]


def test_a_portrait_source_stays_portrait() -> None:
    assert sizes(1080, 1920)[-1] == ("1080p", 1080, 1920)
    assert all(height > width for _, width, height in sizes(1080, 1920))


def test_a_wide_cinema_source_keeps_its_aspect() -> None:
    for _, width, height in sizes(1280, 544):
        assert width / height == pytest.approx(1280 / 544, rel=0.02)


@pytest.mark.parametrize("size", [(160, 90), (241, 321), (1, 1)])
def test_a_small_source_gets_one_rung_no_larger_than_itself(size: tuple[int, int]) -> None:
    (rung,) = ladder(*size)
    assert rung.width <= max(size[0], 2)
    assert rung.height <= max(size[1], 2)


@pytest.mark.parametrize("size", [(321, 241), (1281, 721), (999, 1777), (720, 576)])
def test_sizes_are_even_and_never_above_the_source(size: tuple[int, int]) -> None:
    for rung in ladder(*size):
        assert rung.width % 2 == 0
        assert rung.height % 2 == 0
        assert rung.width <= size[0]
        assert rung.height <= size[1]


def test_bitrates_rise_with_the_rungs() -> None:
    rates = [rung.video_kbps for rung in ladder(1920, 1080)]
    assert rates == sorted(rates)
    assert rates == list(LADDER_KBPS.values())


def test_the_download_is_the_highest_rung_up_to_720p() -> None:
    assert mp4_rung(ladder(1920, 1080)).name == "720p"
    assert mp4_rung(ladder(640, 360)).name == "360p"
