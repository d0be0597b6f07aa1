"""Generate test videos at test time, so no binary fixtures live in git.

Speech comes from the ``flite`` synthesiser (Debian package ``flite``), pictures from ffmpeg's
``testsrc2`` pattern. Synthetic speech is clean and repeatable, which lets recognition tests
assert on word overlap without being flaky.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from transcode.ffmpeg import ffmpeg_exe

FLITE_VOICE = "rms"
FLITE_VOICES = ("kal", "awb", "rms", "slt")
FRAME_RATE = 25
# Silence after the sentence so speech does not end exactly at the last sample.
_TAIL_SECONDS = 0.5


class MediaFactoryError(RuntimeError):
    """A test clip could not be generated (a missing tool, not a bug in the code under test)."""


def make_spoken_clip(
    path: Path,
    sentence: str,
    *,
    seconds: float | None = None,
    size: tuple[int, int] = (640, 360),
    voice: str = FLITE_VOICE,
) -> Path:
    """An MP4 whose audio is ``sentence`` spoken by flite, padded or cut to ``seconds`` if given."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="flite-") as workdir:
        speech = Path(workdir) / "speech.wav"
        speak(sentence, speech, voice=voice)
        duration = seconds if seconds is not None else _wav_seconds(speech) + _TAIL_SECONDS
        _ffmpeg(
            [*_pattern(size), "-i", str(speech), "-map", "0:v", "-map", "1:a", "-af", "apad",
             *_encode(duration), str(path)]
        )  # fmt: skip
    return path


def make_silent_clip(path: Path, seconds: float = 2) -> Path:
    """An MP4 with a picture and an audio track that contains only digital silence."""
    path = Path(path)
    silence = ["-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=48000"]
    _ffmpeg([*_pattern((640, 360)), *silence, *_encode(seconds), str(path)])
    return path


def make_music_clip(path: Path, seconds: float = 4) -> Path:
    """An MP4 whose sound is a melody with a bass line (harmonics, notes changing 3 times a
    second): music without words."""
    path = Path(path)
    note = "261.63*pow(2,floor(mod(t*3,7))*2/12)"
    bass = "130.81*pow(2,floor(mod(t*0.75,4))*5/12)"
    melody = f"0.25*sin(2*PI*t*{note})*(1-mod(t*3,1))+0.1*sin(4*PI*t*{note})+0.2*sin(2*PI*t*{bass})"
    music = ["-f", "lavfi", "-i", f"aevalsrc='{melody}':s=48000:c=stereo"]
    _ffmpeg([*_pattern((640, 360)), *music, *_encode(seconds), str(path)])
    return path


def make_fade_in_clip(path: Path, *, black_seconds: float = 1, seconds: float = 4) -> Path:
    """An MP4 that opens on black (as many real videos do) and then shows a picture."""
    path = Path(path)
    fade = f"fade=t=in:st={black_seconds:g}:d=0.2"
    width, height = 640, 360
    source = f"testsrc2=size={width}x{height}:rate={FRAME_RATE},{fade}"
    _ffmpeg(["-f", "lavfi", "-i", source, *_encode(seconds), str(path)])
    return path


def make_undecodable_video(path: Path) -> Path:
    """A file that starts like an MP4 (an `ftyp` box, so uploads let it through) and then
    holds only noise: nothing in it can be decoded."""
    path = Path(path)
    header = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    noise = bytes((index * 7919 + 13) % 251 for index in range(64 * 1024))
    path.write_bytes(header + noise)
    return path


def make_video_without_audio(
    path: Path, seconds: float = 2, *, size: tuple[int, int] = (640, 360), rotation: int = 0
) -> Path:
    """An MP4 with no audio stream; optionally with a display-rotation flag, as phones write."""
    path = Path(path)
    # yuv444p allows odd frame sizes, which real uploads sometimes have and yuv420p cannot hold.
    encode = _encode(seconds, pix_fmt="yuv444p")
    if not rotation:
        _ffmpeg([*_pattern(size), *encode, str(path)])
        return path
    with tempfile.TemporaryDirectory(prefix="rotate-") as workdir:
        upright = Path(workdir) / "upright.mp4"
        _ffmpeg([*_pattern(size), *encode, str(upright)])
        _ffmpeg(["-display_rotation", str(rotation), "-i", str(upright), "-c", "copy", str(path)])
    return path


def make_not_a_video(path: Path) -> Path:
    """A text file wearing an .mp4 name, like a mislabelled upload."""
    path = Path(path)
    path.write_bytes(b"This is plain text, not a video.\n" * 20)
    return path


def speak(sentence: str, target: Path, *, voice: str = FLITE_VOICE) -> Path:
    """A WAV file of flite saying `sentence` in `voice` (see `flite -lv`)."""
    flite = shutil.which("flite")
    if flite is None:
        raise MediaFactoryError("flite is not installed: apt-get install flite")
    subprocess.run(
        [flite, "-voice", voice, "-t", sentence, "-o", str(target)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return target


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def _pattern(size: tuple[int, int]) -> list[str]:
    width, height = size
    # testsrc2 rounds odd sizes down to even ones; the scale step restores the exact size.
    source = f"testsrc2=size={width}x{height}:rate={FRAME_RATE},scale={width}:{height},setsar=1"
    return ["-f", "lavfi", "-i", source]


def _encode(seconds: float, pix_fmt: str = "yuv420p") -> list[str]:
    return [
        "-t", f"{seconds:g}", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", pix_fmt,
        "-c:a", "aac", "-f", "mp4",
    ]  # fmt: skip


def _ffmpeg(args: list[str]) -> None:
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
