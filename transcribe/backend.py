"""What a transcribe job does with files: real offline speech recognition, or a simulated one.

The simulated backend exists only to load-test the message flow: chosen by SIMULATED_MEDIA (off
by default), it recognises nothing and writes no files.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from transcode import files
from transcribe.speech import transcribe as recognise


@dataclass(frozen=True)
class TranscribeOutput:
    transcript: str
    captions_uri: str


def captions_name(transcribe_id: str) -> str:
    return f"captions/{transcribe_id}.vtt"


def transcribe(transcribe_id: str, source_uri: str) -> TranscribeOutput:
    """Recognise the speech of a stored video; raises MediaError (NoAudioError) on bad input."""
    if settings.SIMULATED_MEDIA:
        return TranscribeOutput("simulated transcript", captions_name(transcribe_id))
    with files.local_copy(source_uri) as source:
        transcript = recognise(source)
    with tempfile.TemporaryDirectory() as folder:
        captions = Path(folder) / "captions.vtt"
        captions.write_text(transcript.to_webvtt(), encoding="utf-8")
        captions_uri = files.save(captions, captions_name(transcribe_id))
    return TranscribeOutput(transcript.text, captions_uri)
