"""Entities this process has fetched or written, with their versions (Eventide's entity cache).

A handler fetches its entity, decides, and writes with the entity's version as the expected
version. Most of the streams a component fetches are streams it writes itself, so after the
first fetch the process already knows their state: the cache serves it without a query, and
every successful write folds its message into the cached entity. Staleness is caught where it
matters: a write whose expected version was wrong fails, the store drops the cached entity and
raises `StaleEntityError`, and the consumer runs the handler again on fresh state.

A handler that decides to write nothing learns of no conflict, though: another process may have
written to the stream since (a consumer group's member copying a job's outcome into a video's
stream that another member follows), and a stale "not yet" would end the process for good. So
the consumer tells the cache of every message it is about to handle (`seen`): a stream's cached
entities older than a message of that stream are dropped, and the handler fetches them afresh.

Inside a transaction the store keeps what it fetches and writes in `PendingEntities`, on top of
the cache: handlers later in the transaction see it, and only a commit makes it the cache's
(a rollback drops it), so the cache never holds a message that was never committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from message_store.messages import Message, NewMessage
from message_store.projection import Projection

DEFAULT_SIZE = 10_000


Entities = dict[Projection, tuple[Any, int]]


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
            if entities:
                _fold_written(entities, message, position)

    def forget(self, stream_name: str) -> None:
        with self._lock:
            self._streams.pop(stream_name, None)

    def seen(self, stream_name: str, position: int) -> None:
        """The stream has a message at `position`: drop its cached entities that are older."""
        with self._lock:
            entities = self._streams.get(stream_name)
            if entities and _drop_older(entities, position) and not entities:
                del self._streams[stream_name]

    def entities(self, stream_name: str) -> Entities:
        """A copy of what is cached for the stream (empty when nothing is)."""
        with self._lock:
            return dict(self._streams.get(stream_name, {}))

    def replace(self, stream_name: str, entities: Entities) -> None:
        """Make `entities` the stream's cached entities (a committed transaction's view)."""
        if self._size <= 0:
            return
        with self._lock:
            self._streams[stream_name] = dict(entities)
            self._streams.move_to_end(stream_name)
            while len(self._streams) > self._size:
                self._streams.popitem(last=False)


class PendingEntities:
    """One transaction's entities on top of the cache: committed to it, or dropped.

    Not thread-safe: a transaction belongs to one thread.
    """

    def __init__(self, cache: EntityCache) -> None:
        self._cache = cache
        self._streams: dict[str, Entities] = {}

    def get(self, stream_name: str, projection: Projection) -> tuple[Any, int] | None:
        if stream_name in self._streams:
            return self._streams[stream_name].get(projection)
        return self._cache.get(stream_name, projection)

    def put(self, stream_name: str, projection: Projection, entity: Any, version: int) -> None:
        self._own(stream_name)[projection] = (entity, version)

    def contains(self, stream_name: str) -> bool:
        return bool(self._streams.get(stream_name)) or self._cache.contains(stream_name)

    def written(self, message: NewMessage, position: int) -> None:
        _fold_written(self._own(message.stream_name), message, position)

    def forget(self, stream_name: str) -> None:
        self._streams[stream_name] = {}
        self._cache.forget(stream_name)

    def seen(self, stream_name: str, position: int) -> None:
        if stream_name in self._streams:
            _drop_older(self._streams[stream_name], position)
        self._cache.seen(stream_name, position)

    def commit(self) -> None:
        """The transaction committed: what it saw and wrote is now the cache's."""
        for stream_name, entities in self._streams.items():
            if entities:
                self._cache.replace(stream_name, entities)
            else:
                self._cache.forget(stream_name)
        self._streams.clear()

    def _own(self, stream_name: str) -> Entities:
        if stream_name not in self._streams:
            self._streams[stream_name] = self._cache.entities(stream_name)
        return self._streams[stream_name]


def _drop_older(entities: Entities, position: int) -> bool:
    """Drop the entities whose version is before `position`; True when some were dropped."""
    older = [projection for projection, (_, version) in entities.items() if version < position]
    for projection in older:
        del entities[projection]
    return bool(older)


def _fold_written(entities: Entities, message: NewMessage, position: int) -> None:
    """Fold a written message into the entities it follows; drop those it does not."""
    stored = _as_stored(message, position)
    for projection, (entity, version) in list(entities.items()):
        if version == position - 1:
            entities[projection] = (projection.fold([stored], entity), position)
        else:
            del entities[projection]


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
