"""Controls for subscription tests: example messages with fixed ids, a recording handler, and
small readers of what a consumer left in the store (its `Read` positions, its parked messages)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
from django.db import connections

from message_store.consumer import (
    POSITION_TYPE,
    Consumer,
    ConsumerSettings,
    Subscription,
    position_stream,
)
from message_store.messages import Message, NewMessage
from message_store.models import ParkedMessage
from message_store.store import MessageStore

CATEGORY = "subscriptionExample"
SUBSCRIBER_ID = "subscriptionExample-consumer"
HANDLED_TYPE = "SomethingHappened"
UNKNOWN_TYPE = "SomethingElseHappened"


def id_example(n: int, *, kind: int = 1) -> str:
    """A fixed message id; `kind` keeps the ids of different example families apart."""
    return str(uuid.UUID(f"00000000-0000-4000-{kind:04d}-{n:012d}"))


def message_example(
    n: int, *, stream_id: str | None = None, type: str = HANDLED_TYPE, category: str = CATEGORY
) -> NewMessage:
    return NewMessage(
        id=id_example(n),
        stream_name=f"{category}-{stream_id or n}",
        type=type,
        data={"n": n},
        metadata={"traceId": f"trace-{n}"},
    )


def transcode_command_example(n: int, *, uri: str | None = None) -> NewMessage:
    """A `Transcode` command with fixed ids (a stream of its own per `n`)."""
    transcode_id = f"7d000000-0000-4000-8000-{n:012d}"
    return NewMessage(
        id=f"7d000000-0000-4000-9000-{n:012d}",
        stream_name=f"transcode:command-{transcode_id}",
        type="Transcode",
        data={"transcodeId": transcode_id, "uri": uri or f"uploads/{n}.mp4"},
    )


def stored(store: MessageStore, message: NewMessage) -> Message:
    """Write `message` and return it as read back (with its positions)."""
    store.write(message)
    return next(m for m in store.read_stream(message.stream_name) if m.id == message.id)


def read_example(message: NewMessage, *, position: int = 0, global_position: int = 1) -> Message:
    """`message` as a reader would get it back, without a store (for projections)."""
    return Message(
        id=message.id,
        stream_name=message.stream_name,
        type=message.type,
        position=position,
        global_position=global_position,
        data=dict(message.data),
        metadata=dict(message.metadata or {}),
        time=datetime(2026, 1, 1, tzinfo=UTC),
    )


def write_examples(store: MessageStore, numbers: range, **kwargs: Any) -> list[Message]:
    return [stored(store, message_example(n, **kwargs)) for n in numbers]


def settings_example(**overrides: Any) -> ConsumerSettings:
    """Fast retries and polls, so that failure paths take milliseconds."""
    values: dict[str, Any] = {"poll_interval": 0.5, "retry_delay": 0.01, "max_attempts": 3}
    return ConsumerSettings(**{**values, **overrides})


class Recorder:
    """A handler that records the ids it handled; `fail_on` names message ids it raises for."""

    def __init__(self, *, fail_on: set[str] = frozenset()) -> None:
        self.handled: list[str] = []
        self.attempts: dict[str, int] = {}
        self.fail_on = set(fail_on)
        self._lock = threading.Lock()

    def __call__(self, message: Message, *, store: MessageStore) -> None:
        with self._lock:
            self.attempts[message.id] = self.attempts.get(message.id, 0) + 1
        if message.id in self.fail_on:
            raise RuntimeError(f"cannot handle message {message.id}")
        with self._lock:
            self.handled.append(message.id)


def subscription_example(
    handler: Callable[..., None], *, subscriber_id: str = SUBSCRIBER_ID, **kwargs: Any
) -> Subscription:
    return Subscription(subscriber_id, CATEGORY, {HANDLED_TYPE: handler}, **kwargs)


def stored_positions(store: MessageStore, subscriber_id: str) -> list[int]:
    """The `position` of every `Read` event the subscriber stored, oldest first."""
    return [
        m.data["position"]
        for m in store.read_stream(position_stream(subscriber_id))
        if m.type == POSITION_TYPE
    ]


def last_position(store: MessageStore, subscriber_id: str) -> int | None:
    positions = stored_positions(store, subscriber_id)
    return positions[-1] if positions else None


def parked(subscriber_id: str | None = None) -> list[ParkedMessage]:
    rows = ParkedMessage.objects.order_by("global_position")
    if subscriber_id is not None:
        rows = rows.filter(subscriber_id=subscriber_id)
    return list(rows)


def write_raw(
    store: MessageStore,
    *,
    message_id: str,
    stream_name: str,
    type: str,
    data: Any,
    metadata: Any,
) -> None:
    """Write as a foreign Message DB client would: straight SQL, any JSON (or null) it likes."""
    with psycopg.connect(store.conninfo, autocommit=True) as connection:
        connection.execute(
            "SELECT message_store.write_message(%s, %s, %s, %s::jsonb, %s::jsonb)",
            (
                message_id,
                stream_name,
                type,
                None if data is None else json.dumps(data),
                None if metadata is None else json.dumps(metadata),
            ),
        )


class ConsumerThread(threading.Thread):
    """Runs a consumer in a thread, closing the thread's Django connections when it returns."""

    def __init__(self, consumer: Consumer, *, until_idle: bool = False) -> None:
        super().__init__(daemon=True)
        self.consumer = consumer
        self.until_idle = until_idle
        self.handled: int | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.handled = self.consumer.run(until_idle=self.until_idle)
        except BaseException as error:
            self.error = error
        finally:
            connections.close_all()

    def stop(self, timeout: float = 15) -> None:
        self.consumer.stop()
        self.join(timeout)
        assert not self.is_alive(), "the consumer did not stop"


def wait_until(
    predicate: Callable[[], Any],
    *,
    timeout: float,
    interval: float = 0.05,
    what: str = "",
    details: Callable[[], str] = str,
) -> Any:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds
    (with `details()`, e.g. the consumers' logs, in the failure message)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout:g} s waiting for {what or predicate}\n{details()}"
            )
        time.sleep(interval)
