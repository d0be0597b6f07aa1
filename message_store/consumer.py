"""Subscriptions: the workshop's `createSubscription`, made to survive real life.

A `Consumer` runs one or more `Subscription`s in one process. Each reads its category from the
position it stored last (`Read` events in `subscriberPosition-{subscriberId}`), hands every
message to the handler for its type, and stores its position every N messages, when it has
been idle for a poll interval, and on shutdown. A filtered subscription (correlation, consumer
group) moves its position past the messages its filter left out, so it never rescans them.
Delivery is at least once, so handlers are idempotent; a handler whose cached entity turned out
stale (`StaleEntityError`) runs again at once.

Waking: a LISTEN connection receives the store's commit notifications (payload: the category).
The store notifies at least once per burst of writes to a category, not once per commit (one
notifying transaction at a time: notifications serialize commits server-wide). So each
subscription keeps its own next read time: at once when its category is notified; a few
milliseconds (FOLLOW_UP_DELAY) after a read that found messages, then backing off (doubling)
while reads come back empty, up to the poll interval. That follow-up catches writers that
committed without notifying, and messages the read horizon held back behind an open transaction
(whatever its category) until it ended. An idle process therefore makes about one query per
subscription per poll interval, and at each poll it stores the positions it has not stored yet.
Replay requests arrive as a notification too (and are looked for at start and after a
reconnect).

Failures: a handler that raises is retried with backoff, then its message is parked (see
`parking`) and the subscription moves on; malformed data is parked at once. A lost database is
waited out with backoff and the subscription resumes where it was. SIGTERM/SIGINT (`stop()`)
finish the message in hand, store the positions, and return.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import psycopg
from django.db import DatabaseError, close_old_connections
from django.db import InterfaceError as DjangoInterfaceError
from django.db import OperationalError as DjangoOperationalError

from message_store import parking, queries
from message_store.contracts import MalformedMessageError
from message_store.errors import StaleEntityError, StoreUnavailableError
from message_store.logging import describe, log_context
from message_store.messages import Message, NewMessage, new_id
from message_store.store import MessageStore
from message_store.streams import ALL, stream_name

logger = logging.getLogger(__name__)

Handler = Callable[..., None]
"""Called as `handler(message, *, store)`; returns nothing; raises to signal a failure."""

POSITION_CATEGORY = "subscriberPosition"
POSITION_TYPE = "Read"
_CONNECTION_ERRORS = (
    StoreUnavailableError,
    psycopg.OperationalError,
    DjangoOperationalError,
    DjangoInterfaceError,
)
STALE_RETRIES = 3
"""Immediate re-runs of a handler whose cached entity turned out stale (each fetches afresh)."""
FOLLOW_UP_DELAY = 0.02
"""Seconds from a notification or a fruitful read to the next read (doubled while empty)."""


@dataclass(frozen=True)
class Subscription:
    subscriber_id: str
    category: str
    handlers: Mapping[str, Handler]
    correlation: str | None = None


@dataclass(frozen=True)
class ConsumerSettings:
    batch_size: int = 100
    position_update_interval: int = 100
    poll_interval: float = 5.0
    group_member: int | None = None
    group_size: int | None = None
    max_attempts: int = 3
    retry_delay: float = 0.2
    max_reconnect_delay: float = 10.0

    def __post_init__(self) -> None:
        if (self.group_member is None) != (self.group_size is None):
            raise ValueError("group member and group size go together")
        if self.group_size is not None and not 0 <= self.group_member < self.group_size:
            raise ValueError("group member must be at least 0 and less than the group size")
        if self.batch_size < 1 or self.position_update_interval < 1 or self.max_attempts < 1:
            raise ValueError("batch size, position interval and attempts must be positive")


def position_stream(subscriber_id: str) -> str:
    return stream_name(POSITION_CATEGORY, subscriber_id)


class _Interrupted(Exception):
    """stop() came while a failing handler waited to retry: leave the message for next time."""


@dataclass
class _State:
    subscription: Subscription
    subscriber_id: str
    position: int = 0
    saved_position: int = 0
    unsaved: int = 0
    handled: int = field(default=0)
    read_at: float = 0.0
    delay: float = FOLLOW_UP_DELAY

    def schedule(self, found: int, now: float, poll_interval: float) -> None:
        """After a read: follow up soon if it found messages, later and later if not."""
        self.delay = FOLLOW_UP_DELAY if found else min(self.delay * 2, poll_interval)
        self.read_at = now + self.delay

    def bring_forward(self, at: float) -> None:
        self.read_at = min(self.read_at, at)
        self.delay = min(self.delay, FOLLOW_UP_DELAY)


class Consumer:
    """Runs subscriptions until stopped (or, with `until_idle`, until nothing is left)."""

    def __init__(
        self,
        subscriptions: Sequence[Subscription],
        *,
        store: MessageStore,
        settings: ConsumerSettings | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or ConsumerSettings()
        group = self.settings.group_size
        suffix = f"+{self.settings.group_member}of{group}" if group else ""
        self._states = [_State(sub, sub.subscriber_id + suffix) for sub in subscriptions]
        self._stopping = threading.Event()
        self._replay_due = True
        self._maintenance_at = 0.0
        self._listener: psycopg.Connection | None = None

    @property
    def subscriber_ids(self) -> list[str]:
        return [state.subscriber_id for state in self._states]

    def stop(self) -> None:
        """Ask the loop to finish the message in hand and return (safe from a signal handler)."""
        self._stopping.set()

    def run(self, *, until_idle: bool = False) -> int:
        """Process messages; return how many were handled."""
        delay = 0.0
        loaded = False
        while not self._stopping.is_set():
            try:
                if not loaded:
                    self._load_positions()
                    loaded = True
                self._ensure_listening()
                if until_idle:
                    self._bring_forward(self._states, 0.0)
                read = self._drain()
                self._replay_if_due()
                delay = 0.0
                if self._stopping.is_set() or (until_idle and read == 0):
                    break
                if not until_idle:
                    self._wait()
            except _CONNECTION_ERRORS as error:
                delay = min(max(delay * 2, 0.2), self.settings.max_reconnect_delay)
                logger.warning("database unavailable (%s); retrying in %.1f s", error, delay)
                self._bring_forward(self._states, 0.0)
                self._replay_due = True  # a replay request may have been sent meanwhile
                self._close_listener()
                close_old_connections()
                self._stopping.wait(delay)
        self._shutdown()
        return sum(state.handled for state in self._states)

    # Positions -------------------------------------------------------------------------------

    def _load_positions(self) -> None:
        for state in self._states:
            last = self.store.read_last(position_stream(state.subscriber_id), POSITION_TYPE)
            position = last.data.get("position") if last else 0
            if not isinstance(position, int) or isinstance(position, bool) or position < 0:
                logger.error(
                    "subscriber %s: stored position %r is not a count; starting from 0",
                    state.subscriber_id,
                    position,
                )
                position = 0
            state.position = state.saved_position = position
            logger.info("subscriber %s starts after position %s", state.subscriber_id, position)

    def _save_position(self, state: _State) -> None:
        if state.position == state.saved_position:
            return
        self.store.write(
            NewMessage(
                id=new_id(),
                stream_name=position_stream(state.subscriber_id),
                type=POSITION_TYPE,
                data={"position": state.position},
            ),
            notify=False,
        )
        state.saved_position = state.position
        state.unsaved = 0

    def _shutdown(self) -> None:
        for state in self._states:
            try:
                self._save_position(state)
            except Exception:
                logger.exception("subscriber %s: could not store its position", state.subscriber_id)
        self._close_listener()

    # Reading ---------------------------------------------------------------------------------

    def _drain(self) -> int:
        """Read each due subscription until caught up (or stopped); return how many were read."""
        read = 0
        now = time.monotonic()
        for state in self._states:
            if state.read_at > now:
                continue
            found = 0
            while not self._stopping.is_set():
                batch, reached = self._read(state)
                for message in batch:
                    if self._stopping.is_set():
                        break
                    try:
                        self._handle(state, message)
                    except _Interrupted:
                        break
                    state.position = message.global_position
                    state.unsaved += 1
                    found += 1
                    if state.unsaved >= self.settings.position_update_interval:
                        self._save_position(state)
                else:
                    state.position = max(state.position, reached)
                if len(batch) < self.settings.batch_size:
                    break
            state.schedule(found, time.monotonic(), self.settings.poll_interval)
            read += found
        return read

    def _read(self, state: _State) -> tuple[list[Message], int]:
        """The next batch, and the position the subscription may move to once it is handled."""
        sub = state.subscription
        filtered = sub.correlation is not None or self.settings.group_size is not None
        if sub.category == ALL or not filtered:
            batch = self.store.read(
                sub.category, position=state.position + 1, batch_size=self.settings.batch_size
            )
            return batch, batch[-1].global_position if batch else state.position
        return self.store.read_filtered(
            sub.category,
            position=state.position + 1,
            batch_size=self.settings.batch_size,
            correlation=sub.correlation,
            group_member=self.settings.group_member,
            group_size=self.settings.group_size,
        )

    # Handling --------------------------------------------------------------------------------

    def _handle(self, state: _State, message: Message, *, replay: bool = False) -> bool:
        """Handle one message with retries; park it when it keeps failing. True if handled."""
        handler = state.subscription.handlers.get(message.type)
        if handler is None:
            return True
        with log_context(_context(state.subscriber_id, message)):
            return self._handle_with_retries(state, message, handler, replay)

    def _handle_with_retries(
        self, state: _State, message: Message, handler: Handler, replay: bool
    ) -> bool:
        attempts = stale = 0
        while True:
            attempts += 1
            try:
                handler(message, store=self.store)
            except _CONNECTION_ERRORS:
                raise
            except MalformedMessageError as error:
                self._park(state, message, f"malformed message: {error}", attempts)
                return False
            except Exception as error:
                if isinstance(error, StaleEntityError) and stale < STALE_RETRIES:
                    stale += 1
                    attempts -= 1
                    logger.debug("cached entity was out of date; handling again")
                    continue
                if isinstance(error, DatabaseError):
                    close_old_connections()
                if self._stopping.is_set():
                    raise _Interrupted from error
                if attempts >= self.settings.max_attempts:
                    reason = f"{type(error).__name__}: {error}"
                    logger.exception("handler failed")
                    self._park(state, message, reason, attempts)
                    return False
                delay = self.settings.retry_delay * 2 ** (attempts - 1)
                logger.warning("retrying in %.2f s after %r", delay, error)
                self._stopping.wait(delay)
            else:
                state.handled += 1
                logger.debug("handled%s", " (replay)" if replay else "")
                return True

    def _park(self, state: _State, message: Message, error: str, attempts: int) -> None:
        logger.error("parked: %s", error)
        parking.park(
            subscriber_id=state.subscriber_id, message=message, error=error, attempts=attempts
        )

    def _replay_if_due(self) -> None:
        if not self._replay_due:
            return
        self._replay_due = False
        by_subscriber = {state.subscriber_id: state for state in self._states}
        for parked in parking.replay_requests(by_subscriber):
            state = by_subscriber[parked.subscriber_id]
            batch = self.store.read(ALL, position=parked.global_position, batch_size=1)
            original = batch[0] if batch else None
            if original is None or original.id != str(parked.message_id):
                logger.error("parked message %s no longer in the store", parked.message_id)
                continue
            logger.info("replaying %s", describe(_context(state.subscriber_id, original)))
            try:
                handled = self._handle(state, original, replay=True)
            except _Interrupted:
                return
            if handled:
                parking.mark_replayed(parked)

    # Waiting ---------------------------------------------------------------------------------

    def _ensure_listening(self) -> None:
        if self._listener is None or self._listener.closed:
            self._listener = psycopg.connect(self.store.conninfo, autocommit=True)
            self._listener.execute(queries.LISTEN)

    def _close_listener(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(psycopg.Error):
                self._listener.close()
            self._listener = None

    def _bring_forward(self, states, at: float) -> None:
        for state in states:
            state.bring_forward(at)

    def _wait(self) -> None:
        """Block until a subscription's read time, a replay request, or stop(); handle
        notifications meanwhile, and do the poll-time chores when they fall due."""
        while not self._stopping.is_set():
            now = time.monotonic()
            if now >= self._maintenance_at:
                self._maintenance_at = now + self.settings.poll_interval
                close_old_connections()  # Django's: renew those past CONN_MAX_AGE or broken
                for state in self._states:
                    self._save_position(state)
            if self._replay_due or any(state.read_at <= now for state in self._states):
                return
            next_read = min(state.read_at for state in self._states)
            timeout = min(next_read, self._maintenance_at) - now
            payloads = [
                notify.payload
                for notify in self._listener.notifies(timeout=min(timeout, 0.5), stop_after=1)
            ]
            if payloads:
                payloads += [notify.payload for notify in self._listener.notifies(timeout=0)]
            now = time.monotonic()
            for payload in payloads:
                if payload == parking.REPLAY_PAYLOAD:
                    self._replay_due = True
                    continue
                for state in self._states:
                    if state.subscription.category in (payload, ALL):
                        state.bring_forward(now)


def _context(subscriber_id: str, message: Message) -> dict[str, object]:
    """The log context of a message being handled (see message_store.logging)."""
    return {
        "subscriber": subscriber_id,
        "message_id": message.id,
        "type": message.type,
        "stream": message.stream_name,
        "position": message.global_position,
        "trace": message.metadata.get("traceId"),
    }
