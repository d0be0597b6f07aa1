"""Transcoding makes an HLS ladder, a download MP4 and a poster that decode, in the right sizes;
it rejects what is not a video with a reason that names no file.

Everything runs the real bundled ffmpeg on clips of a few seconds generated at test time.
"""

from __future__ import annotations

import threading
from pathlib import Path

import m3u8
import pytest

from tests.media_factory import (
    make_fade_in_clip,
    make_not_a_video,
    make_spoken_clip,
    make_undecodable_video,
    make_video_without_audio,
)
from tests.transcode.decoding import (
    decode_errors,
    mean_luma,
    segment_as_file,
    segment_files,
    stream_summary,
    top_level_atoms,
)
from transcode.ffmpeg import JobCancelled, MediaError, probe, run_ffmpeg
from transcode.media import SEGMENT_SECONDS, WebMedia, transcode_to_web

pytestmark = pytest.mark.slow

SENTENCE = "Please open the door and close the window"


@pytest.fixture(scope="module")
def hd(tmp_path_factory: pytest.TempPathFactory) -> tuple[WebMedia, Path]:
    """A 720p spoken clip, long enough for two segments, transcoded once for the module."""
    workdir = tmp_path_factory.mktemp("transcode")
    source = make_spoken_clip(workdir / "source.mp4", SENTENCE, seconds=5, size=(1280, 720))
    folder = workdir / "out"
    return transcode_to_web(source, folder), folder


def test_a_720p_source_gets_renditions_240_to_720(hd: tuple[WebMedia, Path]) -> None:
    made, _ = hd
    assert [(r.width, r.height) for r in made.renditions] == [
        (426, 240),
        (640, 360),
        (854, 480),
        (1280, 720),
    ]
    assert (made.width, made.height) == (1280, 720)
    assert made.duration_seconds == pytest.approx(5.0, abs=0.2)


def test_the_master_playlist_lists_every_rendition(hd: tuple[WebMedia, Path]) -> None:
    made, folder = hd
    master = m3u8.load(str(folder / made.master_playlist))
    listed = [(p.uri, p.stream_info.resolution, p.stream_info.bandwidth) for p in master.playlists]
    assert listed == [(r.playlist, (r.width, r.height), r.bandwidth) for r in made.renditions]
    for playlist in master.playlists:
        assert "avc1." in playlist.stream_info.codecs
        assert "mp4a." in playlist.stream_info.codecs
    bandwidths = [r.bandwidth for r in made.renditions]
    assert bandwidths == sorted(bandwidths)


def test_every_playlist_and_segment_decodes(hd: tuple[WebMedia, Path], tmp_path: Path) -> None:
    made, folder = hd
    for rendition in made.renditions:
        playlist = folder / rendition.playlist
        assert decode_errors(playlist) == "", rendition
        assert f"{rendition.width}x{rendition.height}" in stream_summary(playlist)
        init, segments = segment_files(playlist)
        assert len(segments) == 2
        assert sum(duration for _, duration in segments) == pytest.approx(5.0, abs=0.2)
        for segment, duration in segments:
            assert duration <= SEGMENT_SECONDS + 0.1
            whole = segment_as_file(init, segment, tmp_path / "segment.mp4")
            assert decode_errors(whole) == "", segment
            assert "Video: h264" in stream_summary(whole)


def test_the_mp4_is_the_720p_rung_with_fast_start(hd: tuple[WebMedia, Path]) -> None:
    made, folder = hd
    mp4 = folder / made.mp4
    assert decode_errors(mp4) == ""
    summary = stream_summary(mp4)
    assert "Video: h264" in summary
    assert "yuv420p" in summary
    assert "1280x720" in summary
    assert "Audio: aac" in summary
    assert "48000 Hz" in summary
    atoms = top_level_atoms(mp4)
    assert atoms.index("moov") < atoms.index("mdat")


def test_the_poster_is_a_jpeg_of_the_mp4_size(hd: tuple[WebMedia, Path]) -> None:
    made, folder = hd
    poster = folder / made.poster
    assert poster.read_bytes().startswith(b"\xff\xd8\xff")
    summary = stream_summary(poster)
    assert "Video: mjpeg" in summary
    assert "1280x720" in summary


def test_the_poster_is_not_the_black_first_frame(tmp_path: Path) -> None:
    source = make_fade_in_clip(tmp_path / "fade.mp4", black_seconds=1, seconds=4)
    first_frame = tmp_path / "first.jpg"
    run_ffmpeg(["-i", str(source), "-frames:v", "1", str(first_frame)])
    assert mean_luma(first_frame) < 5

    made = transcode_to_web(source, tmp_path / "out")

    assert mean_luma(tmp_path / "out" / made.poster) > 40


def test_a_360p_source_without_sound_gets_240_and_360(tmp_path: Path) -> None:
    source = make_video_without_audio(tmp_path / "small.mp4", seconds=1, size=(640, 360))

    made = transcode_to_web(source, tmp_path / "out")

    assert [(r.width, r.height) for r in made.renditions] == [(426, 240), (640, 360)]
    assert "Audio:" not in stream_summary(tmp_path / "out" / made.mp4)
    assert decode_errors(tmp_path / "out" / made.renditions[0].playlist) == ""


def test_a_rotated_odd_sized_phone_video_stays_portrait(tmp_path: Path) -> None:
    source = make_video_without_audio(tmp_path / "phone.mp4", 1, size=(321, 241), rotation=90)
    assert (probe(source).width, probe(source).height) == (241, 321)

    made = transcode_to_web(source, tmp_path / "out")

    assert [(r.width, r.height) for r in made.renditions] == [(240, 320)]
    assert (made.width, made.height) == (240, 320)
    assert "240x320" in stream_summary(tmp_path / "out" / made.mp4)


@pytest.mark.parametrize("make", [make_not_a_video, make_undecodable_video])
def test_what_cannot_be_decoded_is_rejected_in_plain_words(make, tmp_path: Path) -> None:
    source = make(tmp_path / "holiday-upload.mp4")

    with pytest.raises(MediaError, match="not a video") as raised:
        transcode_to_web(source, tmp_path / "out")

    assert "holiday-upload" not in str(raised.value)
    assert str(tmp_path) not in str(raised.value)


def test_a_missing_file_is_rejected_clearly(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="file not found"):
        transcode_to_web(tmp_path / "absent.mp4", tmp_path / "out")


def test_an_ffmpeg_failure_gives_its_reason_without_paths(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="No such file") as raised:
        run_ffmpeg(["-i", str(tmp_path / "absent.mp4"), "-f", "null", "-"])
    assert str(tmp_path) not in str(raised.value)
    assert "absent.mp4" not in str(raised.value)


def test_an_ffmpeg_timeout_is_reported() -> None:
    endless = ["-f", "lavfi", "-i", "testsrc2", "-f", "null", "-"]
    with pytest.raises(MediaError, match=r"ffmpeg timed out after 0\.5 s"):
        run_ffmpeg(endless, timeout=0.5)


def test_a_cancelled_run_kills_ffmpeg() -> None:
    endless = ["-f", "lavfi", "-i", "testsrc2", "-f", "null", "-"]
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()

    with pytest.raises(JobCancelled):
        run_ffmpeg(endless, cancel=cancel)
