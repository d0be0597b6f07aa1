"""What a transcribe job does with files: real offline speech recognition, or a simulated one.

The real job recognises the stored upload's speech and stores the captions as WebVTT; the
timed cues also go into `Transcribed` as `segments`, for the read side. The captions file is
written before the event, under a name derived from the job, so a job killed midway has
recorded nothing and its rerun replaces the file. The simulated backend exists only to
load-test the message flow: chosen by SIMULATED_MEDIA (off by default), it recognises nothing
and writes no files.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.conf import settings

from transcode import files
from transcribe.captions import Cue
from transcribe.speech import transcribe as recognise


@dataclass(frozen=True)
class TranscribeOutput:
    transcript: str
    captions_uri: str
    cues: tuple[Cue, ...]
    language: str


def captions_name(transcribe_id: str) -> str:
    return f"captions/{transcribe_id}.vtt"


def transcribe(
    transcribe_id: str, source_uri: str, *, cancel: threading.Event | None = None
) -> TranscribeOutput:
    """Recognise the speech of a stored video; raises MediaError when it cannot be decoded
    and JobCancelled when `cancel` is set."""
    if settings.SIMULATED_MEDIA:
        cue = Cue(start=0.0, end=1.0, text="simulated transcript")
        return TranscribeOutput(cue.text, captions_name(transcribe_id), (cue,), "en")
    with files.local_copy(source_uri, cancel=cancel) as source:
        transcript = recognise(source, cancel=cancel)
    with files.scratch_folder("captions-") as folder:
        captions = folder / "captions.vtt"
        captions.write_text(transcript.to_webvtt(), encoding="utf-8")
        captions_uri = files.save(captions, captions_name(transcribe_id))
    return TranscribeOutput(transcript.text, captions_uri, transcript.cues, transcript.language)
