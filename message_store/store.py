"""The message store client: the workshop's `messageStore`, in Python, over a connection pool.

It writes and reads through Message DB's SQL functions only, so what it stores is readable by
every Message DB client and vice versa. psycopg errors are translated into `message_store.errors`.

`transaction()` makes every call of the thread that opened it share one transaction until the
block ends: a consumer handles a read batch that way, committing once instead of once a message.

A database restart leaves the pool's idle connections dead. They are found before use, for free
(a connection the server closed has input waiting: its farewell, or the end of the stream), and
the pool never sits out a long reconnection backoff: it gives up replacing a lost connection in
the background after `RECONNECT_SECONDS`, and a caller waiting for one makes it try again every
`WAIT_ROUND_SECONDS`, so the first call after the server is back gets a fresh connection at once.
"""

from __future__ import annotations

import contextlib
import logging
import select
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import psycopg
import psycopg.errors
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool, PoolTimeout

from message_store import queries
from message_store.entity_cache import DEFAULT_SIZE as DEFAULT_CACHE_SIZE
from message_store.entity_cache import EntityCache, PendingEntities
from message_store.errors import (
    DuplicateMessageIdError,
    InvalidMessageError,
    MessageStoreError,
    ReadError,
    SchemaMissingError,
    StaleEntityError,
    StoreUnavailableError,
    TransactionFailedError,
    VersionConflictError,
)
from message_store.messages import Message, NewMessage
from message_store.projection import Projection
from message_store.streams import ALL, is_category, require_stream_name

logger = logging.getLogger(__name__)

Entity = TypeVar("Entity")

DEFAULT_BATCH_SIZE = 1000
POOL_TIMEOUT_SECONDS = 10.0
"""The longest a call waits for a pooled connection before the store counts as unreachable."""
RECONNECT_SECONDS = 1.0
"""How long the pool tries to replace a lost connection in the background before giving up
until the next call needs one (psycopg_pool's own default, 5 minutes of doubling delays, leaves
callers waiting for its next attempt long after the server is back)."""
WAIT_ROUND_SECONDS = 0.5
"""A caller waiting for a connection nudges the pool this often to try connecting again."""


class Transaction:
    """An open store transaction (see `MessageStore.transaction`)."""

    def __init__(self, connection: psycopg.Connection, entities: PendingEntities) -> None:
        self.connection = connection
        self.entities = entities

    @property
    def failed(self) -> bool:
        """A statement failed (and someone caught the error): the transaction cannot commit."""
        return self.connection.info.transaction_status == TransactionStatus.INERROR


class MessageStore:
    """Reads and writes messages. Thread-safe; one instance per process is enough."""

    def __init__(
        self,
        conninfo: str,
        *,
        max_connections: int = 4,
        notify: bool = True,
        entity_cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        self.conninfo = conninfo
        self._notify = notify
        self.entities = EntityCache(entity_cache_size)
        self._local = threading.local()
        self._pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max(1, max_connections),
            kwargs={"autocommit": True},
            configure=self._configure,
            check=self._check,
            reconnect_timeout=RECONNECT_SECONDS,
            reconnect_failed=self._gave_up,
            open=False,
            name="message_store",
            timeout=POOL_TIMEOUT_SECONDS,
        )
        self._opened = False
        self._gave_up_at = 0.0

    def _configure(self, connection: psycopg.Connection) -> None:
        if not self._notify:
            connection.execute(queries.DISABLE_NOTIFY)

    def _check(self, connection: psycopg.Connection) -> None:
        """Before a pooled connection is handed out: one with input waiting was most likely
        closed by the server, so try it, and on failure check its idle neighbours too (a
        restart closed them all) before the pool hands out the next."""
        if not _has_input(connection):
            return
        try:
            ConnectionPool.check_connection(connection)
        except psycopg.Error:
            self._discard_broken_connections()
            raise

    def _gave_up(self, pool: ConnectionPool) -> None:
        self._gave_up_at = time.monotonic()

    def close(self) -> None:
        if self._opened:
            self._pool.close()
            self._opened = False

    @contextmanager
    def connection(self, *, timeout: float | None = None) -> Iterator[psycopg.Connection]:
        """A pooled connection, with errors translated; for callers that need raw access.

        In this thread's open transaction, its connection. `timeout` bounds the wait for a
        pooled one (default: the pool's 10 s), for callers such as health checks that must
        answer quickly when the server is down.
        """
        current = self._transaction()
        if current is not None:
            with self._translated():
                yield current.connection
            return
        if not self._opened:
            self._pool.open(wait=False)
            self._opened = True
        connection = self._pooled_connection(POOL_TIMEOUT_SECONDS if timeout is None else timeout)
        try:
            with self._translated(), connection:
                yield connection
        finally:
            self._pool.putconn(connection)

    def _pooled_connection(self, timeout: float) -> psycopg.Connection:
        """A connection from the pool, waiting in rounds: between rounds the pool is asked to
        connect again if it gave up, and the wait ends early when it gave up after this call
        began (the server refuses connections: say so now rather than at the timeout)."""
        started = time.monotonic()
        deadline = started + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                return self._pool.getconn(timeout=max(min(WAIT_ROUND_SECONDS, remaining), 0.001))
            except PoolTimeout as error:
                if self._gave_up_at > started or time.monotonic() >= deadline:
                    raise StoreUnavailableError(
                        "message store unreachable: no connection could be made"
                        f" ({time.monotonic() - started:.1f} s)"
                    ) from error
            with contextlib.suppress(psycopg.Error, PoolTimeout):
                self._pool.check()  # a pool with no connection left starts connecting again

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run this thread's store calls in one transaction until the block ends.

        It commits when the block ends normally and rolls back when it raises; it also raises
        `TransactionFailedError` rather than commit when a statement in it failed and the error
        was caught (check `Transaction.failed` to learn it sooner). Entities fetched or written
        in it reach the entity cache only at commit. Keep it short: while it is open after a
        write, category readers wait at the read horizon for it.
        """
        if self._transaction() is not None:
            raise MessageStoreError("a store transaction is already open in this thread")
        with self.connection() as connection:
            current = Transaction(connection, PendingEntities(self.entities))
            self._local.transaction = current
            try:
                with connection.transaction():
                    yield current
                    if current.failed:
                        raise TransactionFailedError("a statement in the transaction failed")
            finally:
                self._local.transaction = None
            current.entities.commit()

    def _transaction(self) -> Transaction | None:
        return getattr(self._local, "transaction", None)

    def _entities(self) -> EntityCache | PendingEntities:
        current = self._transaction()
        return self.entities if current is None else current.entities

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as error:
            translated = _translate(error)
            if isinstance(translated, StoreUnavailableError):
                self._discard_broken_connections()
            raise translated from error

    def _discard_broken_connections(self) -> None:
        """After a lost connection (say, a database restart) the pool's other idle connections
        are most likely dead too: check them now, so that the retry gets a live one instead of
        failing once per pooled connection."""
        with contextlib.suppress(psycopg.Error, PoolTimeout):
            self._pool.check()

    # Writing ---------------------------------------------------------------------------------

    def write(self, message: NewMessage, *, notify: bool = True) -> int:
        """Write one message; return its position in its stream.

        `notify=False` skips the commit notification: for bookkeeping streams (subscriber
        positions) that no consumer follows, so that writing them wakes nobody.
        """
        params = _write_params(message)
        try:
            with self.connection() as connection:
                if notify:
                    row = connection.execute(queries.WRITE_MESSAGE, params).fetchone()
                elif self._transaction() is not None:
                    # SET LOCAL would last to the end of the enclosing transaction: restore it.
                    previous = connection.execute(queries.SILENCE_NOTIFY).fetchone()[0]
                    row = connection.execute(queries.WRITE_MESSAGE, params).fetchone()
                    connection.execute(queries.RESTORE_NOTIFY, (previous or "",))
                else:
                    with connection.transaction():
                        connection.execute(queries.DISABLE_NOTIFY_IN_TRANSACTION)
                        row = connection.execute(queries.WRITE_MESSAGE, params).fetchone()
        except VersionConflictError as conflict:
            raise self._stale_or(conflict) from conflict
        self._entities().written(message, row[0])
        return row[0]

    def write_batch(self, messages: Sequence[NewMessage]) -> list[int]:
        """Write several messages, to one stream or many, atomically: all or none.

        Each message's `expected_version` is checked in order, so a batch may append several
        messages to one stream with consecutive expected versions.
        """
        if not messages:
            return []
        streams = sorted({message.stream_name for message in messages})
        with self.connection() as connection, connection.transaction():
            if len(streams) > 1:
                # Lock every stream up front, in one order for all writers: two batches that
                # touch the same streams in opposite orders then wait instead of deadlocking.
                connection.execute(queries.ACQUIRE_STREAM_LOCKS, (streams,))
            cursor = connection.cursor()
            cursor.executemany(
                queries.WRITE_MESSAGE, [_write_params(m) for m in messages], returning=True
            )
            positions = []
            while True:
                positions.append(cursor.fetchone()[0])
                if not cursor.nextset():
                    break
        entities = self._entities()
        for message, position in zip(messages, positions, strict=True):
            entities.written(message, position)
        return positions

    # Reading ---------------------------------------------------------------------------------

    def read(
        self,
        name: str,
        *,
        position: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        correlation: str | None = None,
        origin: str | None = None,
        group_member: int | None = None,
        group_size: int | None = None,
    ) -> list[Message]:
        """One batch from a stream (by position), a category or `ALL` (by global position).

        Category and whole-store reads stop at the read horizon: a message whose transaction
        is still open is never skipped, only served on a later read. `correlation` is Message
        DB's filter (`correlationStreamName` only); `origin` keeps the replies to streams of
        that category by `correlationStreamName`, or by `originStreamName` when there is no
        correlation (`get_category_replies`).
        """
        query, params = _read_query(
            name, position, batch_size, correlation, origin, group_member, group_size
        )
        with self.connection() as connection:
            rows = connection.execute(query, params).fetchall()
        return [Message.from_row(row) for row in rows]

    def read_filtered(
        self,
        category: str,
        *,
        position: int,
        batch_size: int = DEFAULT_BATCH_SIZE,
        correlation: str | None = None,
        origin: str | None = None,
        group_member: int | None = None,
        group_size: int | None = None,
    ) -> tuple[list[Message], int]:
        """A category batch, and the global position a subscriber may move to after it.

        A filter (correlation, consumer group) can match nothing for a long stretch; a reader
        that only moves to the last message it got would rescan that stretch for ever (the
        workshop's consumer stalls there). So the same round trip first asks for the category's
        last message below the read horizon. The horizon only grows, so when the batch is not
        full, every matching message up to that one was returned and the reader may move to it.
        It stays put while the category does, so an idle subscriber stores nothing new.
        """
        query, params = _read_query(
            category, position, batch_size, correlation, origin, group_member, group_size
        )
        if not is_category(category):
            raise ReadError(f"read_filtered needs a category, not {category!r}")
        with self.connection() as connection:
            with connection.pipeline():
                reach_cursor = connection.execute(queries.CATEGORY_REACH, (category,))
                rows_cursor = connection.execute(query, params)
            reach = reach_cursor.fetchone()[0] or 0
            rows = rows_cursor.fetchall()
        messages = [Message.from_row(row) for row in rows]
        reached = messages[-1].global_position if messages else position - 1
        if batch_size == -1 or len(messages) < batch_size:
            reached = max(reached, reach)
        return messages, reached

    def read_stream(self, stream_name: str, *, position: int = 0) -> Iterator[Message]:
        """Every message of one stream from `position`, fetched batch by batch."""
        while True:
            batch = self.read(stream_name, position=position)
            yield from batch
            if len(batch) < DEFAULT_BATCH_SIZE:
                return
            position = batch[-1].position + 1

    def read_horizon(self) -> int:
        """The global position up to which every message is committed or rolled back."""
        with self.connection() as connection:
            return connection.execute(queries.READ_HORIZON).fetchone()[0]

    def unread(
        self,
        name: str,
        *,
        position: int,
        limit: int,
        correlation: str | None = None,
        origin: str | None = None,
        group_member: int | None = None,
        group_size: int | None = None,
    ) -> tuple[int, float | None]:
        """How many messages a read from `position` (as `read` takes it) would return, up to
        `limit`, and the age in seconds of the oldest of them: a subscriber's lag."""
        query, params = _read_query(
            name, position, limit, correlation, origin, group_member, group_size
        )
        with self.connection() as connection:
            row = connection.execute(queries.UNREAD.format(read=query), params).fetchone()
        return row[0], row[1]

    def read_by_entity(
        self, categories: Sequence[str], *, up_to: int, chunk_size: int = 10_000
    ) -> Iterator[Message]:
        """Every message of `categories` up to `up_to` (capped at the read horizon), grouped by
        the id part of their stream names, each id's in global order: to rebuild a projection
        in one pass, holding one entity at a time. A server-side cursor brings them
        `chunk_size` at a time, so memory stays bounded whatever the size of the store (the
        server sorts in up to 64 MB of memory, then on disk)."""
        for name in categories:
            if not isinstance(name, str) or not name or not is_category(name):
                raise ReadError(f"read_by_entity needs categories, not {name!r}")
        with (
            self.connection() as connection,
            connection.transaction(),
            connection.cursor(name="entity_messages") as cursor,
        ):
            connection.execute(queries.SORT_MEMORY_FOR_TRANSACTION)
            cursor.execute(queries.GET_ENTITY_MESSAGES, (list(categories), up_to))
            while rows := cursor.fetchmany(chunk_size):
                yield from map(Message.from_row, rows)

    def read_last(self, stream_name: str, message_type: str | None = None) -> Message | None:
        require_stream_name(stream_name)
        with self.connection() as connection:
            row = connection.execute(
                queries.GET_LAST_STREAM_MESSAGE, (stream_name, message_type)
            ).fetchone()
        return None if row is None else Message.from_row(row)

    def stream_version(self, stream_name: str) -> int | None:
        """Position of the stream's last message, or None for a stream with no messages."""
        require_stream_name(stream_name)
        with self.connection() as connection:
            return connection.execute(queries.STREAM_VERSION, (stream_name,)).fetchone()[0]

    def fetch(self, stream_name: str, projection: Projection[Entity]) -> tuple[Entity, int]:
        """Fold a stream into an entity; return it with the stream's version (-1 when empty).

        The version is what a handler passes as `expected_version` when it writes back, so two
        handlers acting on the same state cannot both write. An entity this process fetched or
        wrote before comes from the entity cache, without a query; if another process wrote
        since, the write back fails with `StaleEntityError` and the handler runs again.
        """
        entities = self._entities()
        cached = entities.get(stream_name, projection)
        if cached is not None:
            return cached
        version = -1
        entity = projection.initial()
        for message in self.read_stream(stream_name):
            entity = projection.fold([message], entity)
            version = message.position
        entities.put(stream_name, projection, entity, version)
        return entity, version

    def seen(self, message: Message) -> None:
        """A handler is about to handle `message`: entities cached for its stream from before
        it are out of date (another process wrote it) and are fetched again when asked for."""
        self._entities().seen(message.stream_name, message.position)

    def _stale_or(self, conflict: VersionConflictError) -> VersionConflictError:
        """A conflict on a stream this process holds in its cache means the cached entity is
        out of date: drop it, and say so, so that the handler runs again on fresh state."""
        entities = self._entities()
        if not entities.contains(conflict.stream_name):
            return conflict
        entities.forget(conflict.stream_name)
        return StaleEntityError(
            conflict.stream_name, conflict.expected_version, conflict.actual_version
        )


def _read_query(
    name: object,
    position: int | None,
    batch_size: object,
    correlation: str | None,
    origin: str | None,
    group_member: int | None,
    group_size: int | None,
) -> tuple[str, tuple]:
    if not isinstance(name, str) or not name:
        raise ReadError(f"read needs a stream name, a category or {ALL!r}, not {name!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < -1:
        raise ReadError(f"batch_size must be -1 (no limit) or a count, not {batch_size!r}")
    filtered = (
        correlation is not None
        or origin is not None
        or group_size is not None
        or group_member is not None
    )
    if filtered and (name == ALL or not is_category(name)):
        raise ReadError("correlation, origin and consumer groups apply to category reads only")
    if name == ALL:
        return queries.GET_ALL_MESSAGES, (position, batch_size)
    if origin is not None:
        if correlation is not None:
            raise ReadError("read by correlation or by origin, not both")
        params = (name, origin, position, batch_size, group_member, group_size)
        return queries.GET_CATEGORY_REPLIES, params
    if is_category(name):
        params = (name, position, batch_size, correlation, group_member, group_size)
        return queries.GET_CATEGORY_MESSAGES, params
    return queries.GET_STREAM_MESSAGES, (name, position, batch_size)


def _write_params(message: NewMessage) -> tuple:
    return (
        message.id,
        message.stream_name,
        message.type,
        message.data_json,
        message.metadata_json,
        message.expected_version,
    )


def _has_input(connection: psycopg.Connection) -> bool:
    """Whether an idle connection has something to read (the server said goodbye, or hung up)."""
    try:
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True
    return bool(readable)


_SCHEMA_ERRORS = (
    psycopg.errors.UndefinedFunction,
    psycopg.errors.UndefinedTable,
    psycopg.errors.InvalidSchemaName,
)


def _translate(error: psycopg.Error) -> MessageStoreError:
    text = str(error.diag.message_primary or error)
    if isinstance(error, _SCHEMA_ERRORS) and "message_store" in text:
        return SchemaMissingError(text)
    if isinstance(error, psycopg.errors.RaiseException):
        conflict = VersionConflictError.parse(text)
        if conflict is not None:
            return conflict
        return ReadError(text)
    if isinstance(error, psycopg.errors.UniqueViolation):
        if error.diag.constraint_name == "messages_id":
            detail = error.diag.message_detail or ""
            message_id = detail.split("=(", 1)[-1].split(")", 1)[0] if "=(" in detail else "?"
            return DuplicateMessageIdError(message_id)
        return MessageStoreError(text)
    if isinstance(error, psycopg.errors.DataError):
        return InvalidMessageError(text)
    if isinstance(error, psycopg.OperationalError | psycopg.errors.AdminShutdown):
        return StoreUnavailableError(f"message store unreachable: {text}")
    if isinstance(error, psycopg.InterfaceError):
        return StoreUnavailableError(f"message store connection lost: {text}")
    return MessageStoreError(text)
