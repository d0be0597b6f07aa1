"""The transcribe job as folded from `transcribe-{transcribeId}` (older shapes through
`transcribe.upcasters`): is it finished?

Only an outcome of real work finishes it: a `TranscribeFailed`, or a `Transcribed` that comes
with its captions file (ours always does, even for a video without speech). The workshop's
transcribe (which may answer the same command, beside ours) reports a fixed text and no
captions: that is no transcription of the upload, so the job still runs and records its own
outcome after it. An erased outcome (its video was deleted) still finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.checks import is_storage_name
from message_store.handling import job_projection
from transcribe.upcasters import upcaster


@dataclass(frozen=True)
class TranscribeJob:
    finished: bool = False


projection = upcaster.projection(
    job_projection(
        TranscribeJob,
        "Transcribed",
        "TranscribeFailed",
        real=lambda message: is_storage_name(message.data.get("captionsUri")),
    )
)
