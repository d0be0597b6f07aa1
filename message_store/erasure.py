"""Erasure: the one exception to append-only, for what a person wrote or said.

A stream is erased in place by the privileged SQL function `message_store.erase_stream`
(schema.sql): each message keeps its id, stream, type, positions and time, and of its data only
the keys the caller names (identifiers); its metadata gains `erasedAt`. Parked copies of those
messages are erased the same way. Readers recognise an erased message with `is_erased` and treat
it as a known shape: the consumer skips it, projections see only its identifiers.
See docs/erasure.md for the design and its limits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from config.routers import MESSAGE_STORE_DB
from message_store import queries
from message_store.messages import Message
from message_store.models import ParkedMessage
from message_store.store import MessageStore

logger = logging.getLogger(__name__)

ERASED_AT = "erasedAt"
"""The metadata key that marks an erased message (its value: when, in UTC, ISO 8601)."""
ERASED_ERROR = "(erased: the message's content was erased after its video was deleted)"


def is_erased(message: Message) -> bool:
    return isinstance(message.metadata.get(ERASED_AT), str)


def erase_streams(store: MessageStore, stream_names: Iterable[str], *, keep: Sequence[str]) -> int:
    """Erase every message of these streams, and their parked copies; return how many messages
    of the store were erased now (0 when all already were)."""
    names = sorted(set(stream_names))
    erased = 0
    with store.connection() as connection, connection.transaction():
        for name in names:
            erased += connection.execute(queries.ERASE_STREAM, (name, list(keep))).fetchone()[0]
    for name in names:
        store.entities.forget(name)
    parked = _erase_parked(names, keep)
    logger.info("erased %s messages and %s parked copies in %s", erased, parked, names)
    return erased


def _erase_parked(stream_names: list[str], keep: Sequence[str]) -> int:
    with transaction.atomic(using=MESSAGE_STORE_DB):
        rows = ParkedMessage.objects.select_for_update().filter(stream_name__in=stream_names)
        count = 0
        now = timezone.now().isoformat()
        for parked in rows:
            parked.data = _kept(parked.data, keep)
            metadata = parked.metadata if isinstance(parked.metadata, dict) else {}
            parked.metadata = {**metadata, ERASED_AT: now}
            parked.error = ERASED_ERROR
            parked.save(update_fields=["data", "metadata", "error"])
            count += 1
    return count


def _kept(data: Any, keep: Sequence[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if key in keep}
