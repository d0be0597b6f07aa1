"""The transcribe job as folded from `transcribe-{transcribeId}`: is it finished?

Only an outcome of real work finishes it: a `TranscribeFailed`, or a `Transcribed` that comes
with its captions file (ours always does, even for a video without speech). The workshop's
transcribe (which may answer the same command, beside ours) reports a fixed text and no
captions: that is no transcription of the upload, so the job still runs and records its own
outcome after it. An erased outcome (its video was deleted) still finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from catalog.checks import is_storage_name
from message_store.erasure import is_erased
from message_store.messages import Message
from message_store.projection import Projection
from transcribe.upcasters import upcaster


@dataclass(frozen=True)
class TranscribeJob:
    finished: bool = False


def _finished(job: TranscribeJob, _message: Message) -> TranscribeJob:
    return replace(job, finished=True)


def _transcribed(job: TranscribeJob, message: Message) -> TranscribeJob:
    if is_erased(message) or is_storage_name(message.data.get("captionsUri")):
        return _finished(job, message)
    return job


projection = upcaster.projection(
    Projection(
        initial=TranscribeJob, handlers={"Transcribed": _transcribed, "TranscribeFailed": _finished}
    )
)
