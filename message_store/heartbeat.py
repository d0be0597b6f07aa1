"""A consumer process's sign of life: the `Heartbeat` row it keeps up to date.

Every consumer process writes its row every `HEARTBEAT_SECONDS` from its keeper thread (see
`message_store.keeper`), whatever its handlers are doing: which subscribers it runs, and the
message in hand with how long it has been at it, so a ten-minute transcode reads as "alive, busy
with Transcode ... for 312 s", not as a dead process. The row also names the database session
that writes it: a process is alive while its row is fresh and that session still exists, so a
process killed with SIGKILL shows as down at once (its session ends with it), and one that hangs
shows as down when its row goes stale (`STALE_AFTER_SECONDS`). A process that stops cleanly
marks its row stopped. Rows are the processes' own bookkeeping, like parked messages: never
events, and pruned after a day.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass, field

import psycopg
from psycopg.types.json import Jsonb

from message_store import queries
from message_store.messages import Message

HEARTBEAT_SECONDS = 5.0
STALE_AFTER_SECONDS = 15.0
"""A row older than this says its process is down, whatever its session."""
KEEP_DAYS = 1
"""Rows of processes gone for longer are deleted (by the next process of their component)."""


@dataclass(frozen=True)
class Busy:
    """The message a consumer is handling, since when (time.monotonic())."""

    subscriber_id: str
    message: Message
    since: float

    def as_data(self) -> dict[str, object]:
        return {
            "subscriber": self.subscriber_id,
            "messageId": self.message.id,
            "type": self.message.type,
            "stream": self.message.stream_name,
            "globalPosition": self.message.global_position,
        }


@dataclass(frozen=True)
class Activity:
    """What a consumer does right now (see `Consumer.activity`)."""

    subscriber_ids: list[str]
    busy: Busy | None
    handled: int


@dataclass(frozen=True)
class Identity:
    """Who a consumer process is: what the row says besides its activity."""

    component: str
    group_size: int | None = None
    group_member: int | None = None
    """A static member's number; None when ungrouped or when the process leases its slots."""
    metrics_port: int | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    started: float = field(default_factory=time.monotonic)


def table_exists(connection: psycopg.Connection) -> bool:
    return connection.execute(queries.HEARTBEAT_TABLE_EXISTS).fetchone()[0]


def write(
    connection: psycopg.Connection, identity: Identity, activity: Activity, *, stopped: bool
) -> None:
    """Write the process's row (on the keeper's session, which the row then names)."""
    now = time.monotonic()
    busy = activity.busy
    connection.execute(
        queries.HEARTBEAT_WRITE,
        {
            "id": identity.id,
            "component": identity.component,
            "host": identity.host,
            "pid": identity.pid,
            "group_size": identity.group_size,
            "group_member": identity.group_member,
            "subscriber_ids": Jsonb(activity.subscriber_ids),
            "busy": None if busy is None else Jsonb(busy.as_data()),
            "busy_seconds": None if busy is None else now - busy.since,
            "handled": activity.handled,
            "metrics_port": identity.metrics_port,
            "uptime": now - identity.started,
            "stopped": stopped,
        },
    )


def prune(connection: psycopg.Connection, component: str) -> None:
    """Forget the processes of `component` not heard of for `KEEP_DAYS`."""
    connection.execute(queries.HEARTBEAT_PRUNE, {"component": component, "days": KEEP_DAYS})
