"""Offline speech recognition with Whisper: a punctuated transcript and timed caption cues.

faster-whisper (CTranslate2, int8 on the CPU) runs the model of `transcribe.model` over the
sound a window at a time (`transcribe.audio`), with word timestamps and its Silero voice
activity filter, which keeps silence, noise and music from being "heard" as words (Whisper
left alone tends to invent a "Thank you." in silence). A video without sound, or without
speech, has an empty transcript: that is a result, not an error. The cues are cut from the
word timings by `transcribe.captions`.
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from transcode.ffmpeg import JobCancelled, probe
from transcribe import audio, captions, model
from transcribe.captions import Cue, Word

_SPOKEN = re.compile(r"\w")
"""A recognised "word" without a letter or digit (a lone "-" or "♪") is not speech."""


@dataclass(frozen=True)
class Transcript:
    """The words of a video: as text, as caption cues, and in which language."""

    text: str
    cues: tuple[Cue, ...]
    language: str

    def to_webvtt(self) -> str:
        return captions.to_webvtt(self.cues)


def transcribe(source: Path, *, cancel: threading.Event | None = None) -> Transcript:
    """Recognise the speech in a video's first audio track.

    Raises MediaError if the file cannot be decoded, JobCancelled once `cancel` is set
    (checked between windows and between Whisper's segments).
    """
    source = Path(source)
    info = probe(source)
    whisper = model.get_model()
    language = model.language(whisper)
    if not info.has_audio:
        return Transcript(text="", cues=(), language=language or "")
    words: list[Word] = []
    detected = language
    with contextlib.closing(audio.windows(source, cancel=cancel)) as windows:
        for window in windows:
            segments, details = whisper.transcribe(
                window.samples, language=language, word_timestamps=True, vad_filter=True
            )
            for segment in segments:
                if cancel is not None and cancel.is_set():
                    raise JobCancelled("cancelled while recognising speech")
                words += [
                    Word(window.offset + word.start, window.offset + word.end, word.word.strip())
                    for word in segment.words or ()
                    if _SPOKEN.search(word.word)
                ]
                detected = detected or details.language
    cues = captions.cues(words, duration=info.duration_seconds)
    return Transcript(text=" ".join(cue.text for cue in cues), cues=cues, language=detected or "")
