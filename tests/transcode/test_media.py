"""Transcoding produces files a browser can stream, and rejects what is not a video, clearly.

Everything runs the real bundled ffmpeg on clips generated at test time.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

from tests.media_factory import (
    make_not_a_video,
    make_spoken_clip,
    make_video_without_audio,
)
from transcode.ffmpeg import MediaError, VideoInfo, ffmpeg_exe, probe, run_ffmpeg
from transcode.media import transcode_to_web

pytestmark = pytest.mark.slow

SENTENCE = "Please open the door and close the window"


@pytest.fixture(scope="module")
def transcoded(tmp_path_factory: pytest.TempPathFactory) -> tuple[VideoInfo, Path, Path]:
    workdir = tmp_path_factory.mktemp("transcode")
    source = make_spoken_clip(workdir / "source.mp4", SENTENCE, seconds=3)
    video, poster = workdir / "out" / "video.mp4", workdir / "out" / "poster.jpg"
    info = transcode_to_web(source, video, poster)
    return info, video, poster


def stream_summary(path: Path) -> str:
    """ffmpeg's own description of a file, read independently of the code under test."""
    command = [ffmpeg_exe(), "-hide_banner", "-i", str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False).stderr


def top_level_atoms(path: Path) -> list[str]:
    """Names of the MP4 boxes at the top level of the file, in file order."""
    names = []
    with path.open("rb") as handle:
        while header := handle.read(8):
            size, name = struct.unpack(">I4s", header)
            header_size = 8
            if size == 1:  # 64-bit size follows the name
                (size,) = struct.unpack(">Q", handle.read(8))
                header_size = 16
            names.append(name.decode("latin-1"))
            if size == 0:  # box extends to the end of the file
                break
            handle.seek(size - header_size, 1)
    return names


def test_output_decodes_without_errors(transcoded: tuple[VideoInfo, Path, Path]) -> None:
    _, video, _ = transcoded
    errors = run_ffmpeg(["-v", "error", "-i", str(video), "-f", "null", "-"])
    assert errors.strip() == ""


def test_output_is_h264_yuv420p_with_aac_48k(transcoded: tuple[VideoInfo, Path, Path]) -> None:
    _, video, _ = transcoded
    summary = stream_summary(video)
    assert "Video: h264" in summary
    assert "yuv420p" in summary
    assert "Audio: aac" in summary
    assert "48000 Hz" in summary


def test_output_index_comes_before_media_data(transcoded: tuple[VideoInfo, Path, Path]) -> None:
    _, video, _ = transcoded
    atoms = top_level_atoms(video)
    assert "moov" in atoms
    assert "mdat" in atoms
    assert atoms.index("moov") < atoms.index("mdat")


def test_returned_info_describes_the_output(transcoded: tuple[VideoInfo, Path, Path]) -> None:
    info, video, _ = transcoded
    assert info == probe(video)
    assert (info.width, info.height) == (640, 360)
    assert info.has_audio
    assert info.duration_seconds == pytest.approx(3.0, abs=0.2)


def test_poster_is_a_jpeg_of_the_output_size(transcoded: tuple[VideoInfo, Path, Path]) -> None:
    _, _, poster = transcoded
    data = poster.read_bytes()
    assert data.startswith(b"\xff\xd8\xff")
    assert data.rstrip(b"\x00").endswith(b"\xff\xd9")
    summary = stream_summary(poster)
    assert "Video: mjpeg" in summary
    assert "640x360" in summary


def test_only_the_requested_files_are_left(transcoded: tuple[VideoInfo, Path, Path]) -> None:
    _, video, poster = transcoded
    assert sorted(video.parent.iterdir()) == sorted([video, poster])


def test_rotated_odd_sized_video_without_audio(tmp_path: Path) -> None:
    source = make_video_without_audio(tmp_path / "phone.mp4", 1, size=(321, 241), rotation=90)
    assert (probe(source).width, probe(source).height) == (241, 321)

    info = transcode_to_web(source, tmp_path / "video.mp4", tmp_path / "poster.jpg")

    assert not info.has_audio
    assert info.height > info.width
    assert info.width % 2 == 0
    assert info.height % 2 == 0
    assert "Audio:" not in stream_summary(tmp_path / "video.mp4")
    assert (tmp_path / "poster.jpg").stat().st_size > 0


def test_wide_video_is_scaled_down_to_1280(tmp_path: Path) -> None:
    source = make_video_without_audio(tmp_path / "wide.mp4", 1, size=(1920, 1080))

    info = transcode_to_web(source, tmp_path / "video.mp4", tmp_path / "poster.jpg")

    assert (info.width, info.height) == (1280, 720)


def test_not_a_video_is_rejected_clearly_and_leaves_nothing(tmp_path: Path) -> None:
    source = make_not_a_video(tmp_path / "notes.mp4")
    out = tmp_path / "out"

    with pytest.raises(MediaError, match=r"not a video: .*notes\.mp4"):
        transcode_to_web(source, out / "video.mp4", out / "poster.jpg")

    assert not out.exists() or list(out.iterdir()) == []


def test_failure_after_encoding_leaves_no_partial_files(tmp_path: Path) -> None:
    source = make_video_without_audio(tmp_path / "source.mp4", 1)
    out = tmp_path / "out"
    (out / "poster.jpg").mkdir(parents=True)  # a directory cannot be replaced by the poster

    with pytest.raises(IsADirectoryError):
        transcode_to_web(source, out / "video.mp4", out / "poster.jpg")

    assert [p.name for p in out.iterdir()] == ["poster.jpg"]


def test_missing_file_is_rejected_clearly(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="file not found"):
        transcode_to_web(tmp_path / "absent.mp4", tmp_path / "v.mp4", tmp_path / "p.jpg")


def test_ffmpeg_failure_reports_its_reason(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"ffmpeg failed: .*No such file"):
        run_ffmpeg(["-i", str(tmp_path / "absent.mp4"), "-f", "null", "-"])


def test_ffmpeg_timeout_is_reported() -> None:
    endless = ["-f", "lavfi", "-i", "testsrc2", "-f", "null", "-"]
    with pytest.raises(MediaError, match=r"ffmpeg timed out after 0\.5 s"):
        run_ffmpeg(endless, timeout=0.5)
