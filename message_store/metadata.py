"""Metadata that carries over from one message to the next (Eventide's `follow`).

We write both vocabularies where both apply: the workshop's (`traceId`, `userId`,
`originStreamName`) and Message DB's (`correlationStreamName`, `causationMessage*`), because the
store's server-side `correlation` filter reads `correlationStreamName`.
"""

from __future__ import annotations

from typing import Any

from message_store.messages import Message

CARRIED_OVER = ("traceId", "userId", "originStreamName", "correlationStreamName", "replyStreamName")


def follow(previous: Message, **extra: Any) -> dict[str, Any]:
    """Metadata for a message caused by `previous`: its trace and origin, and causation fields.

    Values from an untrusted writer that are not strings are dropped rather than propagated.
    """
    metadata = {
        key: previous.metadata[key]
        for key in CARRIED_OVER
        if isinstance(previous.metadata.get(key), str)
    }
    metadata.update(
        causationMessageStreamName=previous.stream_name,
        causationMessagePosition=previous.position,
        causationMessageGlobalPosition=previous.global_position,
    )
    metadata.update({key: value for key, value in extra.items() if value is not None})
    return metadata


def with_origin(metadata: dict[str, Any], origin_stream_name: str) -> dict[str, Any]:
    """Mark a command as coming from `origin_stream_name`, in both vocabularies."""
    return {
        **metadata,
        "originStreamName": origin_stream_name,
        "correlationStreamName": origin_stream_name,
    }
