"""Rebuilds the videos view data from the message store, while the site keeps serving it.

The catalog's two categories are read from the start, merged in global order, and run through
the aggregator's own projectors and upsert into a temporary staging table. Only then, in one
transaction, are the staged rows merged into the live table: readers see the old rows until the
commit and the new ones after it, never an empty or half-built table. A row the live aggregator
moved past the rebuild's horizon meanwhile is newer, and kept; rows whose streams are gone from
the store are removed.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F

from message_store.contracts import MalformedMessageError
from message_store.erasure import is_erased
from message_store.messages import Message
from message_store.models import Category
from message_store.models import Message as StoredMessage
from message_store.store import MessageStore
from message_store.streams import category
from videos import aggregator
from videos.models import Video

logger = logging.getLogger(__name__)

STAGING_TABLE = "videos_video_rebuild"

Progress = Callable[[int, int], None]
"""Called with (messages read, messages expected)."""


@dataclass(frozen=True)
class RebuildResult:
    messages: int
    skipped: int
    videos: int
    removed: int


def rebuild_videos(
    *,
    store: MessageStore,
    batch_size: int = 1000,
    remove_orphans: bool = True,
    progress: Progress | None = None,
) -> RebuildResult:
    """Recompute every video row from the store; see the module docstring for how."""
    expected = _message_count()
    read = skipped = horizon = 0
    with _staging_table():
        messages = _catalog_messages(store, batch_size)
        while batch := list(itertools.islice(messages, batch_size)):
            with transaction.atomic():
                skipped += sum(not _stage(message) for message in batch)
            read += len(batch)
            horizon = batch[-1].global_position
            if progress is not None:
                progress(read, max(expected, read))
        with transaction.atomic():
            videos = _merge()
            removed = _remove_orphans(horizon) if remove_orphans else 0
    logger.info(
        "rebuilt %s videos from %s messages (%s skipped, %s removed)",
        videos,
        read,
        skipped,
        removed,
    )
    return RebuildResult(messages=read, skipped=skipped, videos=videos, removed=removed)


def _catalog_messages(store: MessageStore, batch_size: int) -> Iterator[Message]:
    """The catalog's commands and events, merged in global order."""
    readers = [_read_category(store, name, batch_size) for name in aggregator.PROJECTORS]
    return heapq.merge(*readers, key=lambda message: message.global_position)


def _read_category(store: MessageStore, name: str, batch_size: int) -> Iterator[Message]:
    position = 1
    while True:
        batch = store.read(name, position=position, batch_size=batch_size)
        yield from batch
        if len(batch) < batch_size:
            return
        position = batch[-1].global_position + 1


def _stage(message: Message) -> bool:
    projector = aggregator.PROJECTORS[category(message.stream_name)].get(message.type)
    if projector is None or is_erased(message):
        return True
    try:
        aggregator.apply(projector(message), table=STAGING_TABLE)
    except MalformedMessageError as error:
        logger.warning("skipped malformed message at %s: %s", message.global_position, error)
        return False
    return True


def _message_count() -> int:
    return (
        StoredMessage.objects.alias(category=Category(F("stream_name")))
        .filter(category__in=list(aggregator.PROJECTORS))
        .count()
    )


@contextmanager
def _staging_table() -> Iterator[None]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{quote(STAGING_TABLE)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {quote(STAGING_TABLE)} (LIKE"
            f" {quote(Video._meta.db_table)} INCLUDING DEFAULTS INCLUDING INDEXES)"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{quote(STAGING_TABLE)}")


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
