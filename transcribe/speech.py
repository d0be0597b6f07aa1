"""Offline speech recognition for uploaded videos, producing plain text and WebVTT captions.

Recognition runs locally with PocketSphinx and the US English model bundled in its wheel, so
it needs no network, no API key and no model download. The audio is first split into speech
regions with PocketSphinx's voice-activity ``Segmenter``; decoding only those regions is faster
than decoding the whole track and gives natural boundaries for caption cues.

PocketSphinx is far from state of the art: expect clear speech to come out mostly right and
noisy speech to come out partly wrong. Silence is not an error; it is an empty transcript.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pocketsphinx import Decoder, Segmenter

from transcode.ffmpeg import NoAudioError, probe, run_ffmpeg

SAMPLE_RATE = 16_000
_BYTES_PER_SECOND = SAMPLE_RATE * 2  # 16-bit mono
# Without trailing silence the Segmenter never sees the last region end, and drops it.
_TRAILING_SILENCE = bytes(_BYTES_PER_SECOND)
MAX_CUE_SECONDS = 6.0
MAX_CUE_WORDS = 12
# "<s>", "</s>", "<sil>", "[NOISE]", "++GARBAGE++": markers, not words.
_FILLER_RE = re.compile(r"^(<.*>|\[.*\]|\+\+.*\+\+)$")
# "and(2)" names the second pronunciation of "and"; the word is still "and".
_ALTERNATE_RE = re.compile(r"\(\d+\)$")

_decoder: Decoder | None = None
_decoder_lock = threading.Lock()


@dataclass(frozen=True)
class Cue:
    """One caption: the words heard between ``start`` and ``end`` seconds."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    """The recognised words of a video, as a whole and as timed caption cues."""

    text: str
    cues: tuple[Cue, ...]

    def to_webvtt(self) -> str:
        """The cues as a WebVTT document, ready to serve for a ``<track>`` element."""
        blocks = [
            f"{_timestamp(cue.start)} --> {_timestamp(cue.end)}\n{_escape(cue.text)}"
            for cue in self.cues
        ]
        if not blocks:
            return "WEBVTT\n"
        return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class _Word:
    start: float
    end: float
    text: str


def extract_pcm(source: Path) -> bytes:
    """The first audio track as 16 kHz mono signed 16-bit little-endian PCM, as the model needs.

    Raises NoAudioError if the video has no audio track, MediaError if it cannot be read.
    """
    source = Path(source)
    info = probe(source)
    if not info.has_audio:
        raise NoAudioError(f"no audio: {source.name} has no audio track")
    with tempfile.TemporaryDirectory(prefix="pcm-") as workdir:
        target = Path(workdir) / "audio.s16le"
        run_ffmpeg(
            ["-loglevel", "error", "-i", str(source), "-map", "0:a:0", "-vn", "-sn", "-dn",
             "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", "-f", "s16le",
             str(target)],
            timeout=60.0 + info.duration_seconds,
        )  # fmt: skip
        return target.read_bytes()


def transcribe(source: Path) -> Transcript:
    """Recognise the speech in a video's audio track.

    A track without speech yields an empty transcript. Raises NoAudioError if there is no
    audio track at all. Calls from several threads are serialised on one shared decoder.
    """
    pcm = extract_pcm(Path(source))
    audio_seconds = len(pcm) / _BYTES_PER_SECOND
    cues: list[Cue] = []
    regions = Segmenter(sample_rate=SAMPLE_RATE).segment(io.BytesIO(pcm + _TRAILING_SILENCE))
    with _shared_decoder() as decoder:
        for region in regions:
            words = _recognise(decoder, region.pcm, region.start_time)
            cues.extend(_cues_from(words))
    cues = _fit_timeline(cues, audio_seconds)
    return Transcript(text=" ".join(cue.text for cue in cues), cues=tuple(cues))


@contextlib.contextmanager
def _shared_decoder() -> Iterator[Decoder]:
    """The process-wide decoder, built on first use: loading the model takes a noticeable time.

    A Decoder holds per-utterance state, so it is lent to one caller at a time.
    """
    global _decoder
    with _decoder_lock:
        if _decoder is None:
            _decoder = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")
        yield _decoder


def _recognise(decoder: Decoder, pcm: bytes, offset: float) -> list[_Word]:
    decoder.start_utt()
    # full_utt lets the decoder normalise over the whole region instead of a running estimate.
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    frame_rate = float(decoder.config["frate"])
    words = []
    for segment in decoder.seg():
        text = _clean(segment.word)
        if text:
            start = offset + segment.start_frame / frame_rate
            end = offset + (segment.end_frame + 1) / frame_rate  # end_frame is inclusive
            words.append(_Word(start=start, end=end, text=text))
    return words


def _clean(token: str) -> str:
    if _FILLER_RE.match(token):
        return ""
    return _ALTERNATE_RE.sub("", token)


def _cues_from(words: list[_Word]) -> list[Cue]:
    """Split one speech region's words into evenly sized cues short enough to read at a glance.

    Even sizes avoid a long cue followed by a one-word straggler.
    """
    if not words:
        return []
    seconds = words[-1].end - words[0].start
    count = max(math.ceil(len(words) / MAX_CUE_WORDS), math.ceil(seconds / MAX_CUE_SECONDS), 1)
    count = min(count, len(words))
    bounds = [round(i * len(words) / count) for i in range(count + 1)]
    return [_cue(words[lo:hi]) for lo, hi in itertools.pairwise(bounds)]


def _cue(words: list[_Word]) -> Cue:
    return Cue(start=words[0].start, end=words[-1].end, text=" ".join(w.text for w in words))


def _fit_timeline(cues: list[Cue], audio_seconds: float) -> list[Cue]:
    """Keep cues inside the real audio (not the padding) and strictly one after another."""
    fitted: list[Cue] = []
    for cue in cues:
        start = max(cue.start, fitted[-1].end if fitted else 0.0)
        end = min(cue.end, audio_seconds)
        if end > start:
            fitted.append(Cue(start=start, end=end, text=cue.text))
    return fitted


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    # WebVTT cue text treats "&" and "<" as markup; ">" is escaped so "-->" cannot appear.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
