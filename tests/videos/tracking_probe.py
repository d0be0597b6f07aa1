"""A probe for exactly-once: the aggregator's subscriptions, with handlers that also record each
message they apply in a table of their own, which an idempotent upsert would not (a message
applied twice leaves two probe rows)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from catalog import messages
from message_store.consumer import Subscription
from message_store.messages import Message
from videos import aggregator
from videos.tracking import ViewTracking

PROBE_TABLE = "videos_tracking_probe"


@contextmanager
def probe_table() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {PROBE_TABLE} (global_position bigint NOT NULL)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {PROBE_TABLE}")


def probed(handler):
    def handle(message: Message, *, store: object = None) -> None:
        handler(message, store=store)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {PROBE_TABLE} VALUES (%s)", [message.global_position])

    return handle


def probed_subscriptions(tracking: ViewTracking | None = None) -> list[Subscription]:
    """The videos component's two subscriptions, probed, sharing `tracking`."""
    tracking = tracking or ViewTracking(handling=aggregator.applying_together)
    return [
        Subscription(
            "videos-aggregator-commands",
            messages.COMMAND_CATEGORY,
            {kind: probed(h) for kind, h in aggregator.COMMAND_HANDLERS.items()},
            tracking=tracking,
        ),
        Subscription(
            "videos-aggregator",
            messages.CATEGORY,
            {kind: probed(h) for kind, h in aggregator.EVENT_HANDLERS.items()},
            tracking=tracking,
        ),
    ]


def applied_positions() -> list[int]:
    """Every position the probe saw applied, in order (a duplicate shows twice)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT global_position FROM {PROBE_TABLE} ORDER BY 1")
        return [position for (position,) in cursor.fetchall()]
