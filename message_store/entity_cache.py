"""Entities this process has fetched or written, with their versions (Eventide's entity cache).

A handler fetches its entity, decides, and writes with the entity's version as the expected
version. Most of the streams a component fetches are streams it writes itself, so after the
first fetch the process already knows their state: the cache serves it without a query, and
every successful write folds its message into the cached entity. Staleness is caught where it
matters: a write whose expected version was wrong fails, the store drops the cached entity and
raises `StaleEntityError`, and the consumer runs the handler again on fresh state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from message_store.messages import Message, NewMessage
from message_store.projection import Projection

DEFAULT_SIZE = 10_000


class EntityCache:
    """A thread-safe LRU of `stream -> {projection: (entity, version)}`."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._streams: OrderedDict[str, dict[Projection, tuple[Any, int]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, stream_name: str, projection: Projection) -> tuple[Any, int] | None:
        with self._lock:
            entities = self._streams.get(stream_name)
            if entities is None or projection not in entities:
                return None
            self._streams.move_to_end(stream_name)
            return entities[projection]

    def put(self, stream_name: str, projection: Projection, entity: Any, version: int) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._streams.setdefault(stream_name, {})[projection] = (entity, version)
            self._streams.move_to_end(stream_name)
            while len(self._streams) > self._size:
                self._streams.popitem(last=False)

    def contains(self, stream_name: str) -> bool:
        with self._lock:
            return stream_name in self._streams

    def written(self, message: NewMessage, position: int) -> None:
        """Fold a message this process just wrote at `position` into the cached entities."""
        with self._lock:
            entities = self._streams.get(message.stream_name)
            if not entities:
                return
            stored = _as_stored(message, position)
            for projection, (entity, version) in list(entities.items()):
                if version == position - 1:
                    entities[projection] = (projection.fold([stored], entity), position)
                else:
                    del entities[projection]

    def forget(self, stream_name: str) -> None:
        with self._lock:
            self._streams.pop(stream_name, None)


def _as_stored(message: NewMessage, position: int) -> Message:
    """The message as a projection sees it (projections use type, data and metadata)."""
    return Message(
        id=message.id,
        stream_name=message.stream_name,
        type=message.type,
        position=position,
        global_position=-1,
        data=dict(message.data),
        metadata=dict(message.metadata or {}),
        time=datetime.now(UTC),
    )
