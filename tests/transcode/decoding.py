"""Independent checks of media files with the bundled ffmpeg (it has no ffprobe): does a file
decode without a complaint, what streams does ffmpeg see in it, how are its MP4 boxes laid out,
how bright is a picture. None of it uses the code under test."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import m3u8

from transcode.ffmpeg import ffmpeg_exe


def decode_errors(path: Path, *extra: str) -> str:
    """ffmpeg's complaints while decoding every frame: empty for a sound file."""
    completed = subprocess.run(
        [ffmpeg_exe(), "-v", "error", *extra, "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return completed.stderr if completed.returncode == 0 else f"exit {completed.returncode}"


def stream_summary(path: Path) -> str:
    """ffmpeg's own description of a file's container and streams."""
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


def mean_luma(picture: Path) -> float:
    """Average brightness of an image, 0 (black) to 255 (white)."""
    gray = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(picture), "-vf", "format=gray",
         "-f", "rawvideo", "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout  # fmt: skip
    return sum(gray) / len(gray)


def segment_files(playlist: Path) -> tuple[Path, list[tuple[Path, float]]]:
    """A rendition playlist's init file and its segments with their declared durations."""
    parsed = m3u8.load(str(playlist))
    folder = playlist.parent
    init = folder / parsed.segment_map[0].uri
    return init, [(folder / segment.uri, segment.duration) for segment in parsed.segments]


def segment_as_file(init: Path, segment: Path, target: Path) -> Path:
    """An fMP4 media segment made playable on its own by prefixing its init section."""
    target.write_bytes(init.read_bytes() + segment.read_bytes())
    return target
