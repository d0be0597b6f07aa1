"""Older shapes of the transcode component's messages, turned into today's
(see `message_store.upcasting`).

Version 0 is the workshop's (docs/workshop.md): its replies name their origin in
`originStreamName` only, and its `Transcoded` has no poster or size (optional today, so no step
is needed for them). Version 1 is this project's first shapes: `sourceUri` for the source and
`videoUri` for the MP4.
"""

from __future__ import annotations

from message_store.upcasting import Upcaster, origin_is_the_correlation, renamed

source_uri_is_uri = renamed("sourceUri", "uri")
video_uri_is_transcoded_uri = renamed("videoUri", "transcodedUri")

upcaster = Upcaster(
    {
        "Transcode": (origin_is_the_correlation, source_uri_is_uri),
        "Transcoded": (origin_is_the_correlation, source_uri_is_uri, video_uri_is_transcoded_uri),
        "TranscodeFailed": (origin_is_the_correlation, source_uri_is_uri),
    }
)
