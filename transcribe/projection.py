"""The transcribe job as folded from `transcribe-{transcribeId}`: is it finished?"""

from __future__ import annotations

from dataclasses import dataclass, replace

from message_store.projection import Projection


@dataclass(frozen=True)
class TranscribeJob:
    finished: bool = False


def _finished(job: TranscribeJob, _message) -> TranscribeJob:
    return replace(job, finished=True)


projection = Projection(
    initial=TranscribeJob, handlers={"Transcribed": _finished, "TranscribeFailed": _finished}
)
