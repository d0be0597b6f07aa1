"""The transcode job as folded from `transcode-{transcodeId}` (older shapes through
`transcode.upcasters`): is it finished?

Only an outcome of real work finishes it: a `TranscodeFailed`, or a `Transcoded` whose
`transcodedUri` is a file in our storage. The workshop's transcode (which may answer the same
command, beside ours) reports a YouTube URL for every video: that is no transcode of the
upload, so the job still runs and records its own outcome after it. An erased outcome (its
video was deleted) keeps only identifiers; it still finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.checks import is_storage_name
from message_store.handling import job_projection
from transcode.upcasters import upcaster


@dataclass(frozen=True)
class TranscodeJob:
    finished: bool = False


projection = upcaster.projection(
    job_projection(
        TranscodeJob,
        "Transcoded",
        "TranscodeFailed",
        real=lambda message: is_storage_name(message.data.get("transcodedUri")),
    )
)
