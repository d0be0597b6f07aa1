"""Rebuilds the videos view data from the message store, while the site keeps serving it.

The store hands over the catalog's commands and events up to its read horizon, grouped by video
(`MessageStore.read_by_entity`), so one pass folds each video's messages in memory with the
aggregator's own projectors (`aggregator.fold`, the row its upserts would give) and holds one
video at a time. Finished rows are copied (COPY) into a temporary staging table. Only then, in
one transaction, are the staged rows merged into the live table and the aggregator's tracking
rows moved to the horizon: readers see the old rows until the commit and the new ones after it,
never an empty or half-built table, and the aggregator goes on from where the rows now are. A
row the live aggregator moved past the horizon meanwhile is newer, and kept; rows whose streams
are gone from the store are removed.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from psycopg import postgres
from psycopg.types.json import Jsonb

from message_store.contracts import MalformedMessageError
from message_store.erasure import is_erased
from message_store.messages import Message
from message_store.models import Category
from message_store.models import Message as StoredMessage
from message_store.store import MessageStore
from message_store.streams import category, stream_id
from videos import aggregator, component
from videos.models import Tracking, Video
from videos.tracking import ViewTracking

logger = logging.getLogger(__name__)

STAGING_TABLE = "videos_video_rebuild"
READ_CHUNK = 10_000
"""Messages fetched from the store at a time."""

Progress = Callable[[int, int], None]
"""Called with (messages read, messages expected)."""


@dataclass(frozen=True)
class RebuildResult:
    messages: int
    skipped: int
    videos: int
    removed: int


@dataclass
class _Count:
    messages: int = 0
    skipped: int = 0


def rebuild_videos(
    *,
    store: MessageStore,
    batch_size: int = READ_CHUNK,
    remove_orphans: bool = True,
    progress: Progress | None = None,
) -> RebuildResult:
    """Recompute every video row from the store; see the module docstring for how."""
    horizon = store.read_horizon()
    expected = _message_count(horizon)
    count = _Count()
    categories = list(aggregator.PROJECTORS)
    messages = store.read_by_entity(categories, up_to=horizon, chunk_size=batch_size)
    with _staging_table():
        rows = _folded_rows(_counted(messages, count, expected, progress), count)
        _copy(rows)
        with transaction.atomic():
            _reset_tracking(horizon)
            videos = _merge()
            removed = _remove_orphans(horizon) if remove_orphans else 0
    if progress is not None:
        progress(count.messages, max(expected, count.messages))
    logger.info(
        "rebuilt %s videos from %s messages (%s skipped, %s removed)",
        videos,
        count.messages,
        count.skipped,
        removed,
    )
    return RebuildResult(
        messages=count.messages, skipped=count.skipped, videos=videos, removed=removed
    )


def _counted(
    messages: Iterable[Message], count: _Count, expected: int, progress: Progress | None
) -> Iterator[Message]:
    for message in messages:
        count.messages += 1
        if progress is not None and count.messages % 1000 == 0:
            progress(count.messages, max(expected, count.messages))
        yield message


def _folded_rows(messages: Iterable[Message], count: _Count) -> Iterator[list[Any]]:
    """One row (in `aggregator.COLUMNS` order) per video, folded from its messages."""
    for _, group in itertools.groupby(messages, key=lambda message: stream_id(message.stream_name)):
        row = None
        for message in group:
            change = _change(message, count)
            if change is not None:
                row = aggregator.fold(row, change)
        if row is not None:
            yield [row[column] for column in aggregator.COLUMNS]


def _change(message: Message, count: _Count) -> aggregator.Change | None:
    projector = aggregator.PROJECTORS[category(message.stream_name)].get(message.type)
    if projector is None or is_erased(message):
        return None
    try:
        return projector(message)
    except MalformedMessageError as error:
        logger.warning("skipped malformed message at %s: %s", message.global_position, error)
        count.skipped += 1
        return None


def _message_count(horizon: int) -> int:
    return (
        StoredMessage.objects.alias(category=Category(F("stream_name")))
        .filter(category__in=list(aggregator.PROJECTORS), global_position__lte=horizon)
        .count()
    )


@contextmanager
def _staging_table() -> Iterator[None]:
    """A temporary copy of the live table's shape, without its indexes (COPY fills it faster).
    Its owner is a bigint, as the aggregator's upserts take it: an owner id from a message that
    is too large for the column finds no user in the merge, and fails nothing."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{quote(STAGING_TABLE)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {quote(STAGING_TABLE)} (LIKE"
            f" {quote(Video._meta.db_table)} INCLUDING DEFAULTS)"
        )
        cursor.execute(
            f"ALTER TABLE pg_temp.{quote(STAGING_TABLE)} ALTER COLUMN owner_id TYPE bigint"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{quote(STAGING_TABLE)}")


def _copy(rows: Iterable[list[Any]]) -> None:
    """COPY the rows into the staging table (JSON columns, renditions and cues, as JSON), in
    PostgreSQL's binary format, typed by the staging table's own columns."""
    quote = connection.ops.quote_name
    columns = ", ".join(map(quote, aggregator.COLUMNS))
    statement = f"COPY {quote(STAGING_TABLE)} ({columns}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname, a.atttypid FROM pg_attribute a"
            " WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            [f"pg_temp.{quote(STAGING_TABLE)}"],
        )
        types = dict(cursor.fetchall())
        jsonb = postgres.types["jsonb"].oid
        json_columns = [i for i, c in enumerate(aggregator.COLUMNS) if types[c] == jsonb]
        with cursor.cursor.copy(statement) as copy:
            copy.set_types([types[column] for column in aggregator.COLUMNS])
            for row in rows:
                for index in json_columns:
                    row[index] = Jsonb(row[index])
                copy.write_row(row)


def _reset_tracking(horizon: int) -> None:
    """Move the aggregator's tracking rows (consumer group members' too) to the horizon: the
    rows about to be swapped in reflect every catalog message up to it."""
    tracking = ViewTracking()
    positions = {}
    for subscription in component.subscriptions():
        base = subscription.subscriber_id
        positions[base] = horizon
        members = Tracking.objects.filter(pk__startswith=f"{base}+")
        positions.update(dict.fromkeys(members.values_list("pk", flat=True), horizon))
    tracking.advance_all(positions)


def _merge() -> int:
    """Copy the staged rows over the live ones, unless a live row is newer."""
    quote = connection.ops.quote_name
    user = get_user_model()._meta
    user_pk = quote(user.pk.column)
    columns = aggregator.COLUMNS
    selected = [
        f"(SELECT u.{user_pk} FROM {quote(user.db_table)} u WHERE u.{user_pk} = r.owner_id)"
        if column == "owner_id"
        else f"r.{quote(column)}"
        for column in columns
    ]
    updates = ", ".join(
        f"{quote(column)} = EXCLUDED.{quote(column)}" for column in columns if column != "id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Video._meta.db_table)} AS v ({', '.join(map(quote, columns))})"
            f" SELECT {', '.join(selected)} FROM {quote(STAGING_TABLE)} r"
            f" ON CONFLICT ({quote('id')}) DO UPDATE SET {updates}"
            f" WHERE v.last_global_position <= EXCLUDED.last_global_position"
        )
        cursor.execute(f"SELECT count(*) FROM {quote(STAGING_TABLE)}")
        return cursor.fetchone()[0]


def _remove_orphans(horizon: int) -> int:
    """Delete rows the store no longer backs (but not rows newer than what was read)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(Video._meta.db_table)} v WHERE v.last_global_position <= %s"
            f" AND NOT EXISTS (SELECT 1 FROM {quote(STAGING_TABLE)} r WHERE r.id = v.id)",
            [horizon],
        )
        return cursor.rowcount
