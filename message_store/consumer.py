"""Subscriptions: the workshop's `createSubscription`, made to survive real life.

A `Consumer` runs one or more `Subscription`s in one process. Each reads its category from the
position it stored last (`Read` events in `subscriberPosition-{subscriberId}`), hands every
message to the handler for its type, and stores its position every N messages, when it has
been idle for a poll interval, and on shutdown. A filtered subscription (correlation, origin,
consumer group) moves its position past the messages its filter left out, so it never rescans
them.
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

Transactions: by default each message's handling commits on its own. A subscription with
`batch_transaction` handles a read batch in one message-store transaction, and one with
`tracking` (see `tracking`) in one transaction of its own database that also records its
position, exactly once. Either way the batch stays correct message by message: when a handler
fails, or a statement fails under it (a version conflict its handler shrugged off), the batch
is rolled back, the messages before that one are handled again in one transaction, that
message is handled on its own as it would be without batching, and the rest go on in a batch.

Slots: a consumer runs its subscriptions for each consumer-group slot it holds (see `slots`):
the whole category, a member named by the operator, or the slots it leases in a healing group,
which come and go while it runs. A lost slot stops at once (its job in hand is cancelled) and
stores nothing more; a slot given back to the group stores its positions first.

Failures: a handler that raises is retried with backoff, then its message is parked (see
`parking`) and the subscription moves on; malformed data is parked at once. A lost database is
waited out (see `outage`: cheap probes, resuming as soon as it answers) and the subscription
resumes where it was. SIGTERM/SIGINT (`stop()`) cancel the job in hand (handlers of long jobs
pass `cancellation.cancel_event()` to it; a short handler just finishes), leave its message to
be delivered again, commit the batch handled so far, store the positions, and return.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

import psycopg
from django.db import DatabaseError, close_old_connections, connections
from django.db import InterfaceError as DjangoInterfaceError
from django.db import OperationalError as DjangoOperationalError

from message_store import parking, queries
from message_store.cancellation import cancellable
from message_store.contracts import MalformedMessageError
from message_store.erasure import is_erased
from message_store.errors import (
    StaleEntityError,
    StoreUnavailableError,
    TransactionFailedError,
    first_line,
)
from message_store.heartbeat import Activity, Busy
from message_store.logging import describe, log_context
from message_store.messages import Message, NewMessage, new_id
from message_store.metrics import ConsumerMetrics
from message_store.outage import Outage
from message_store.positions import POSITION_CATEGORY as POSITION_CATEGORY
from message_store.positions import POSITION_TYPE, position_stream, stored_position
from message_store.slots import Slot, SlotSource, StaticSlots
from message_store.store import MessageStore, Transaction
from message_store.streams import ALL
from message_store.tracking import TrackedTransaction, Tracking

logger = logging.getLogger(__name__)

Handler = Callable[..., None]
"""Called as `handler(message, *, store)`; returns nothing; raises to signal a failure."""

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
    """`correlation` keeps the messages Message DB's correlation filter keeps; `origin` those
    that reply to a stream of that category by `correlationStreamName` or, when they carry
    none, by `originStreamName` (the workshop's replies). Both filter in the database."""

    subscriber_id: str
    category: str
    handlers: Mapping[str, Handler]
    correlation: str | None = None
    origin: str | None = None
    batch_transaction: bool = False
    """Handle a read batch in one message-store transaction: for handlers that only read and
    write the store, quickly (a long job would hold back every category reader meanwhile)."""
    tracking: Tracking | None = None
    """Keep the position with the handlers' effects, a read batch per transaction (see
    `message_store.tracking`), instead of as `Read` events."""

    def __post_init__(self) -> None:
        if self.batch_transaction and self.tracking is not None:
            raise ValueError("a tracked subscription commits in its own database, not the store")


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
    batch_transactions: bool = True
    """Let subscriptions that ask for it handle a read batch in one transaction (off: one
    transaction per message, the previous design, for comparison and diagnosis)."""

    def __post_init__(self) -> None:
        if self.group_member is not None:
            if self.group_size is None:
                raise ValueError("a group member needs a group size")
            if not 0 <= self.group_member < self.group_size:
                raise ValueError("group member must be at least 0 and less than the group size")
        if self.group_size is not None and self.group_size < 1:
            raise ValueError("the group size must be at least 1")
        if self.batch_size < 1 or self.position_update_interval < 1 or self.max_attempts < 1:
            raise ValueError("batch size, position interval and attempts must be positive")


class _Interrupted(Exception):
    """The handling was cancelled (stop(), a lost slot), or stop() came while a failing handler
    waited to retry: leave the message for next time."""


class _BatchFailed(Exception):
    """Handling the message at `index` failed in a shared transaction (now rolled back)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class _Untracked:
    """Handling whose position the consumer stores itself, as `Read` events."""

    position = 0

    def __init__(self, transaction: Transaction | None = None) -> None:
        self._transaction = transaction

    @property
    def failed(self) -> bool:
        return self._transaction is not None and self._transaction.failed

    def advance(self, position: int) -> None:
        pass


class _StoreTransactions:
    """A read batch in one message-store transaction; a message handled alone in none, as
    without batching (so that a conflict its handler shrugs off is just that)."""

    def __init__(self, store: MessageStore) -> None:
        self.store = store

    @contextmanager
    def batch(self, subscriber_id: str) -> Iterator[TrackedTransaction]:
        with self.store.transaction() as transaction:
            yield _Untracked(transaction)

    @contextmanager
    def alone(self, subscriber_id: str) -> Iterator[TrackedTransaction]:
        yield _Untracked()


class _TrackedTransactions:
    """Every handling, of a batch or of one message, in a tracked transaction."""

    def __init__(self, tracking: Tracking) -> None:
        self.tracking = tracking

    def batch(self, subscriber_id: str) -> AbstractContextManager[TrackedTransaction]:
        return self.tracking.transaction(subscriber_id)

    alone = batch


@dataclass
class _State:
    subscription: Subscription
    subscriber_id: str
    slot: Slot
    transactions: _StoreTransactions | _TrackedTransactions | None = None
    loaded: bool = False
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
    """Runs subscriptions until stopped (or, with `until_idle`, until nothing is left).

    `slots` says which consumer-group slots it runs (default: the one its settings name, or
    the whole category); `name` labels its metrics (the component)."""

    def __init__(
        self,
        subscriptions: Sequence[Subscription],
        *,
        store: MessageStore,
        settings: ConsumerSettings | None = None,
        slots: SlotSource | None = None,
        name: str = "consumer",
    ) -> None:
        self.store = store
        self.settings = settings or ConsumerSettings()
        if slots is None:
            if self.settings.group_size is not None and self.settings.group_member is None:
                raise ValueError("a group without a member number leases its slots (slots=...)")
            slots = StaticSlots(self.settings.group_member, self.settings.group_size)
        self.slots = slots
        self.name = name
        self.metrics = ConsumerMetrics(name)
        self._subscriptions = list(subscriptions)
        self._states: list[_State] = []
        self._stopping = threading.Event()
        self._replay_due = True
        self._maintenance_at = 0.0
        self._listener: psycopg.Connection | None = None
        self._busy: Busy | None = None
        self._loop_at = time.monotonic()
        self._running = False
        self._outage = Outage(
            store.conninfo,
            self._stopping,
            touch=self._touch,
            max_delay=self.settings.max_reconnect_delay,
        )
        self._adopt_slots()

    def _transactions(self, sub: Subscription) -> _StoreTransactions | _TrackedTransactions | None:
        if sub.tracking is not None:
            return _TrackedTransactions(sub.tracking)
        return _StoreTransactions(self.store) if sub.batch_transaction else None

    @property
    def subscriber_ids(self) -> list[str]:
        return [state.subscriber_id for state in self._states]

    def stop(self) -> None:
        """Ask the loop to cancel the job in hand, if any, and return (safe from a signal
        handler: it only sets events)."""
        self._stopping.set()
        for state in list(self._states):
            state.slot.cancel.set()

    def run(self, *, until_idle: bool = False) -> int:
        """Process messages; return how many were handled."""
        self._running = True
        try:
            self._outage.wait_until_answering()
            while not self._stopping.is_set():
                try:
                    self._drop_slots()
                    self._adopt_slots()
                    self._load_positions()
                    self._ensure_listening()
                    if until_idle:
                        self._bring_forward(self._states, 0.0)
                    read = self._drain()
                    self._replay_if_due()
                    if self._outage.over():
                        self.metrics.reconnected()
                    if self._stopping.is_set() or (until_idle and read == 0):
                        break
                    if not until_idle:
                        self._wait()
                except _CONNECTION_ERRORS as error:
                    self._bring_forward(self._states, 0.0)
                    self._replay_due = True  # a replay request may have been sent meanwhile
                    self._close_listener()
                    used = _django_databases_in_use()
                    close_old_connections()
                    self._outage.wait(error, also=used)
            self._shutdown()
        finally:
            self._running = False
        return sum(state.handled for state in self._states)

    # What the heartbeat, the metrics and the health check read ----------------------------

    def activity(self) -> Activity:
        """What this consumer is doing now (for its heartbeat; safe from any thread)."""
        states = list(self._states)
        return Activity(
            subscriber_ids=[state.subscriber_id for state in states if state.slot.held],
            busy=self._busy,
            handled=sum(state.handled for state in states),
        )

    def positions(self) -> list[tuple[Subscription, str, Slot, int]]:
        """(subscription, subscriber id, slot, position reached) of each subscriber it runs."""
        return [
            (state.subscription, state.subscriber_id, state.slot, state.position)
            for state in list(self._states)
            if state.loaded and state.slot.held
        ]

    def loop_problem(self, *, stalled_after: float) -> str | None:
        """None while the loop runs (busy in a handler counts); otherwise what is wrong."""
        if not self._running:
            return "not running"
        quiet = time.monotonic() - self._loop_at
        if self._busy is None and quiet > stalled_after:
            return f"stalled for {quiet:.0f} s"
        return None

    def _touch(self) -> None:
        self._loop_at = time.monotonic()

    # Slots -----------------------------------------------------------------------------------

    def _adopt_slots(self) -> None:
        """Run the subscriptions of every slot granted since last time (positions load next)."""
        self.slots.changed.clear()
        for slot in self.slots.take():
            if self._stopping.is_set():
                self.slots.give_back(slot)
                continue
            self._states += [
                _State(sub, sub.subscriber_id + slot.suffix, slot, self._transactions(sub))
                for sub in self._subscriptions
            ]
            self._replay_due = True

    def _drop_slots(self) -> None:
        """Stop running lost slots (storing nothing: another process may hold them now), and
        give back those the group asked back, once their positions are stored."""
        lost = [state.subscriber_id for state in self._states if state.slot.lost]
        if lost:
            logger.warning("lost the slot(s) of %s with the lease", ", ".join(lost))
        for slot in list(dict.fromkeys(state.slot for state in self._states)):
            if not (slot.lost or slot.releasing):
                continue
            if not slot.lost:
                for state in self._states:
                    if state.slot is slot:
                        self._save_position(state)
            self._states = [state for state in self._states if state.slot is not slot]
            self.slots.give_back(slot)

    # Positions -------------------------------------------------------------------------------

    def _load_positions(self) -> None:
        for state in self._states:
            if state.loaded:
                continue
            position = stored_position(self.store, state.subscription, state.subscriber_id)
            state.position = state.saved_position = position
            state.loaded = True
            logger.info("subscriber %s starts after position %s", state.subscriber_id, position)

    def _save_position(self, state: _State) -> None:
        if state.position == state.saved_position or not state.slot.held:
            return
        tracking = state.subscription.tracking
        if tracking is not None:
            tracking.save(state.subscriber_id, state.position)
        else:
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

    def _advance(self, state: _State, position: int, count: int, *, saved: bool) -> None:
        """`count` messages up to `position` are handled (and, if `saved`, so is the position)."""
        state.position = max(state.position, position)
        if saved:
            state.saved_position = state.position
            state.unsaved = 0
            return
        state.unsaved += count
        if state.unsaved >= self.settings.position_update_interval:
            self._save_position(state)

    def _shutdown(self) -> None:
        for state in self._states:
            try:
                self._save_position(state)
            except _CONNECTION_ERRORS as error:
                logger.warning(
                    "subscriber %s: position %d not stored (%s); the messages after %d will be"
                    " handled again",
                    state.subscriber_id,
                    state.position,
                    first_line(error),
                    state.saved_position,
                )
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
            if not state.slot.active:  # not yet (a claim's grace), or on its way out
                state.read_at = max(now + FOLLOW_UP_DELAY, state.slot.valid_from)
                continue
            found = 0
            while state.slot.active:
                self._touch()
                batch, reached = self._read(state)
                count, complete = self._handle_batch(state, batch)
                found += count
                if not complete:
                    break
                state.position = max(state.position, reached)
                if len(batch) < self.settings.batch_size:
                    break
            state.schedule(found, time.monotonic(), self.settings.poll_interval)
            read += found
        return read

    def _read(self, state: _State) -> tuple[list[Message], int]:
        """The next batch, and the position the subscription may move to once it is handled."""
        sub = state.subscription
        filtered = (
            sub.correlation is not None or sub.origin is not None or state.slot.size is not None
        )
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
            origin=sub.origin,
            group_member=state.slot.member,
            group_size=state.slot.size,
        )

    # Handling --------------------------------------------------------------------------------

    def _handle_batch(self, state: _State, batch: list[Message]) -> tuple[int, bool]:
        """Handle a read batch; return how many of its messages are done, and whether all are
        (False when stop() came first, or the slot must stop)."""
        batched = state.transactions is not None and self.settings.batch_transactions
        done = 0
        while done < len(batch) and state.slot.active:
            if batched:
                count = self._handle_together(state, batch[done:])
                done += count
                if done == len(batch) or not state.slot.active:
                    break
            message = batch[done]
            try:
                self._handle(state, message)
            except _Interrupted:
                break
            self._advance(state, message.global_position, 1, saved=False)
            done += 1
        return done, done == len(batch)

    def _handle_together(self, state: _State, messages: list[Message]) -> int:
        """Handle the longest run of `messages` that goes through in one transaction, and
        return its length: the message after it (if any) is to be handled alone."""
        limit = len(messages)
        while limit:
            try:
                return self._handle_in_one_transaction(state, messages[:limit])
            except _BatchFailed as failure:
                logger.debug(
                    "batch rolled back at its message %d; handling it again", failure.index
                )
                limit = failure.index
        return 0

    def _handle_in_one_transaction(self, state: _State, messages: list[Message]) -> int:
        """Handle `messages` (until stop()) in one transaction; return how many were committed.
        Raises `_BatchFailed` (nothing committed) when one of them cannot be handled in it."""
        handled = 0
        try:
            with state.transactions.batch(state.subscriber_id) as transaction:
                for index, message in enumerate(messages):
                    if not state.slot.active:
                        messages = messages[:index]
                        break
                    handler = self._handler_for(state, message)
                    if handler is None or message.global_position <= transaction.position:
                        continue
                    with log_context(_context(state.subscriber_id, message)):
                        if not self._handle_in_transaction(state, message, handler, transaction):
                            raise _BatchFailed(index)
                    handled += 1
                if messages:
                    transaction.advance(messages[-1].global_position)
        except (_BatchFailed, *_CONNECTION_ERRORS):
            raise
        except Exception as error:
            # Failed as a whole (say, at commit): which message is to blame is unknown, so
            # halve the batch; the search for it ends at a message handled alone.
            logger.debug("batch of %d failed (%r)", len(messages), error)
            raise _BatchFailed(len(messages) // 2) from error
        state.handled += handled
        self.metrics.handled(state.subscriber_id, handled)
        if messages:
            position = max(messages[-1].global_position, transaction.position)
            tracked = state.subscription.tracking is not None
            self._advance(state, position, len(messages), saved=tracked)
        return len(messages)

    def _handle_in_transaction(
        self, state: _State, message: Message, handler: Handler, transaction: TrackedTransaction
    ) -> bool:
        """One message of a shared transaction; False when it must be handled alone."""
        try:
            self._call(state, message, handler)
        except _CONNECTION_ERRORS:
            raise
        except MalformedMessageError as error:
            if transaction.failed:
                return False
            self._park(state, message, f"malformed message: {error}", 1)
        except Exception as error:
            logger.debug("failed in a batch (%r); to be handled alone", error)
            return False
        else:
            logger.debug("handled")
        return not transaction.failed

    def _handle(self, state: _State, message: Message, *, replay: bool = False) -> bool:
        """Handle one message with retries; park it when it keeps failing. True if handled."""
        handler = self._handler_for(state, message)
        if handler is None:
            return True
        with log_context(_context(state.subscriber_id, message)):
            return self._handle_with_retries(state, message, handler, replay)

    def _handler_for(self, state: _State, message: Message) -> Handler | None:
        """The handler for `message`, or None (with a DEBUG line) for a type the subscription
        does not handle or a message erased since it was written (see message_store.erasure)."""
        handler = state.subscription.handlers.get(message.type)
        if handler is None:
            logger.debug(
                "skipped %s %s: subscriber %s has no handler for that type",
                message.type,
                message.id,
                state.subscriber_id,
            )
        elif is_erased(message):
            logger.debug("skipped erased %s %s", message.type, message.id)
            return None
        return handler

    def _handle_with_retries(
        self, state: _State, message: Message, handler: Handler, replay: bool
    ) -> bool:
        attempts = stale = 0
        while True:
            attempts += 1
            try:
                self._handle_alone(state, message, handler, replay)
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
                if state.slot.cancel.is_set():
                    logger.info("stopped before the end (%r): left to be delivered again", error)
                    raise _Interrupted from error
                if attempts >= self.settings.max_attempts:
                    reason = f"{type(error).__name__}: {error}"
                    logger.exception("handler failed")
                    self._park(state, message, reason, attempts)
                    return False
                delay = self.settings.retry_delay * 2 ** (attempts - 1)
                logger.warning("retrying in %.2f s after %r", delay, error)
                state.slot.cancel.wait(delay)
            else:
                state.handled += 1
                self.metrics.handled(state.subscriber_id, 1)
                logger.debug("handled%s", " (replay)" if replay else "")
                return True

    def _handle_alone(
        self, state: _State, message: Message, handler: Handler, replay: bool
    ) -> None:
        """Run the handler for one message, in a tracked transaction if the subscription is
        tracked (a replay runs even though the position has moved past its message)."""
        if state.transactions is None:
            self._call(state, message, handler)
            return
        with state.transactions.alone(state.subscriber_id) as transaction:
            if replay or message.global_position > transaction.position:
                self._call(state, message, handler)
            if transaction.failed:
                raise TransactionFailedError("a statement failed under the handler")
            transaction.advance(message.global_position)

    def _call(self, state: _State, message: Message, handler: Handler) -> None:
        """Run a handler: cancellable with its slot, timed, and reported as busy meanwhile."""
        started = time.monotonic()
        self._busy = Busy(state.subscriber_id, message, started)
        try:
            self.store.seen(message)
            with cancellable(state.slot.cancel):
                handler(message, store=self.store)
        finally:
            self._busy = None
            self._touch()
            self.metrics.timed(state.subscriber_id, message.type, time.monotonic() - started)

    def _park(self, state: _State, message: Message, error: str, attempts: int) -> None:
        logger.error("parked: %s", error)
        parking.park(
            subscriber_id=state.subscriber_id, message=message, error=error, attempts=attempts
        )
        self.metrics.parked(state.subscriber_id)

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
        notifications meanwhile, and do the poll-time chores when they fall due. Slots granted,
        lost or asked back end the wait too."""
        while not self._stopping.is_set() and not self.slots.changed.is_set():
            self._touch()
            now = time.monotonic()
            if now >= self._maintenance_at:
                self._maintenance_at = now + self.settings.poll_interval
                close_old_connections()  # Django's: renew those past CONN_MAX_AGE or broken
                for state in self._states:
                    self._save_position(state)
            if self._replay_due or any(state.read_at <= now for state in self._states):
                return
            next_read = min((state.read_at for state in self._states), default=math.inf)
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


def _django_databases_in_use() -> list[str]:
    """The Django databases this thread has connections to (the ones to wait for when lost)."""
    return [alias for alias in connections if connections[alias].connection is not None]


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
