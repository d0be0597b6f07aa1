"""The transcode job as folded from `transcode-{transcodeId}`: is it finished?"""

from __future__ import annotations

from dataclasses import dataclass, replace

from message_store.projection import Projection


@dataclass(frozen=True)
class TranscodeJob:
    finished: bool = False


def _finished(job: TranscodeJob, _message) -> TranscodeJob:
    return replace(job, finished=True)


projection = Projection(
    initial=TranscodeJob, handlers={"Transcoded": _finished, "TranscodeFailed": _finished}
)
