"""Older shapes of the transcribe component's messages, turned into today's
(see `message_store.upcasting`).

Version 0 is the workshop's (docs/workshop.md): its catalog writes `Transcribe` to
`transcribe:command-{videoId}` with a fresh random `transcribeId` each time it handles the
event, its replies name their origin in `originStreamName` only, and its `Transcribed` has no
captions (optional today). Version 1 is this project's first shapes: `sourceUri` for the file
to transcribe and `transcript` for the text.
"""

from __future__ import annotations

from message_store.messages import Message
from message_store.streams import category, stream_id
from message_store.upcasting import Upcaster, origin_is_the_correlation, renamed, with_data

ORIGIN_CATEGORY = "catalog"


def job_is_named_by_its_command_stream(message: Message) -> Message:
    """The workshop's `Transcribe` lives in the stream of the video it came from
    (`transcribe:command-{videoId}`, origin `catalog-{videoId}`), under a random id per
    handling. The job takes the command stream's id, as ours always have: each handling of one
    video's transcription then finds the same job, and a duplicate is absorbed. Any other
    mismatch of stream and id is left for the handler to refuse."""
    job_id = stream_id(message.stream_name)
    origin = message.metadata.get("originStreamName")
    given = message.data.get("transcribeId")
    if (
        not job_id
        or not isinstance(given, str)
        or given == job_id
        or not isinstance(origin, str)
        or category(origin) != ORIGIN_CATEGORY
        or stream_id(origin) != job_id
    ):
        return message
    return with_data(message, {**message.data, "transcribeId": job_id})


source_uri_is_uri = renamed("sourceUri", "uri")
transcript_is_transcription = renamed("transcript", "transcription", null="")

upcaster = Upcaster(
    {
        "Transcribe": (
            job_is_named_by_its_command_stream,
            origin_is_the_correlation,
            source_uri_is_uri,
        ),
        "Transcribed": (origin_is_the_correlation, source_uri_is_uri, transcript_is_transcription),
        "TranscribeFailed": (origin_is_the_correlation, source_uri_is_uri),
    }
)
