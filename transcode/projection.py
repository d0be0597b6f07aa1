"""The transcode job as folded from `transcode-{transcodeId}`: is it finished?

Only an outcome of real work finishes it: a `TranscodeFailed`, or a `Transcoded` whose
`transcodedUri` is a file in our storage. The workshop's transcode (which may answer the same
command, beside ours) reports a YouTube URL for every video: that is no transcode of the
upload, so the job still runs and records its own outcome after it. An erased outcome (its
video was deleted) keeps only identifiers; it still finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from catalog.checks import is_storage_name
from message_store.erasure import is_erased
from message_store.messages import Message
from message_store.projection import Projection
from transcode.upcasters import upcaster


@dataclass(frozen=True)
class TranscodeJob:
    finished: bool = False


def _finished(job: TranscodeJob, _message: Message) -> TranscodeJob:
    return replace(job, finished=True)


def _transcoded(job: TranscodeJob, message: Message) -> TranscodeJob:
    if is_erased(message) or is_storage_name(message.data.get("transcodedUri")):
        return _finished(job, message)
    return job


projection = upcaster.projection(
    Projection(
        initial=TranscodeJob, handlers={"Transcoded": _transcoded, "TranscodeFailed": _finished}
    )
)
