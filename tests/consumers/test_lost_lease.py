"""A member of a healing group whose database session ends (a restart, a cut, a terminated
backend) stops handling its slots at once, before another member can take them over, and claims
its share again afterwards: a slot is never handled by two members at the same time."""

from __future__ import annotations

import threading
import time

import pytest

from message_store.cancellation import cancel_event
from message_store.consumer import Consumer
from message_store.heartbeat import Identity
from message_store.keeper import Keeper
from message_store.messages import Message
from message_store.slots import LeasedSlots
from message_store.store import MessageStore
from tests.consumers.controls import (
    ConsumerThread,
    settings_example,
    subscription_example,
    wait_until,
    write_examples,
)
from tests.consumers.groups import shares

GROUP = "lease-example"
SIZE = 4


class SlowRecorder:
    """A handler that takes 20 ms, gives up when cancelled, and records when it was at work."""

    def __init__(self, member: str, intervals: list, lock: threading.Lock) -> None:
        self.member = member
        self.intervals = intervals
        self.lock = lock
        self.handled: set[str] = set()

    def __call__(self, message: Message, *, store: MessageStore) -> None:
        started = time.monotonic()
        cancelled = cancel_event().wait(0.02)
        with self.lock:
            self.intervals.append((message.stream_name, self.member, started, time.monotonic()))
        if cancelled:
            raise RuntimeError("cancelled")
        self.handled.add(message.id)


class Member:
    def __init__(self, name: str, store: MessageStore, intervals: list, lock) -> None:
        self.recorder = SlowRecorder(name, intervals, lock)
        self.leases = LeasedSlots(GROUP, SIZE)
        self.consumer = Consumer(
            [subscription_example(self.recorder)],
            store=store,
            settings=settings_example(batch_size=5, position_update_interval=1),
            slots=self.leases,
            name=name,
        )
        self.keeper = Keeper(
            store.conninfo, Identity(GROUP, group_size=SIZE), self.consumer.activity,
            leases=self.leases,
        )  # fmt: skip
        self.thread = ConsumerThread(self.consumer)

    def start(self) -> None:
        self.keeper.start()
        self.thread.start()

    def stop(self) -> None:
        self.thread.stop()
        self.keeper.stop()


class Writer(threading.Thread):
    """Writes a message to a stream of its own every 20 ms until stopped."""

    def __init__(self, store: MessageStore) -> None:
        super().__init__(daemon=True)
        self.store = store
        self.written: list[Message] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stopping.wait(0.02):
            n += 1
            self.written += write_examples(self.store, range(n, n + 1))

    def stop(self) -> list[Message]:
        self.stopping.set()
        self.join(10)
        return self.written


def terminate(store: MessageStore, pid: int) -> None:
    with store.connection() as connection:
        connection.execute("SELECT pg_terminate_backend(%s)", (pid,))


def slot_of(store: MessageStore, stream_name: str) -> int:
    """The consumer-group member Message DB assigns a stream to."""
    with store.connection() as connection:
        return connection.execute(
            "SELECT @message_store.hash_64(message_store.cardinal_id(%s)) %% %s",
            (stream_name, SIZE),
        ).fetchone()[0]


def overlaps(intervals: list) -> list:
    found = []
    for i, (slot, member, start, end) in enumerate(intervals):
        for other_slot, other, other_start, other_end in intervals[i + 1 :]:
            if slot == other_slot and member != other and start < other_end and other_start < end:
                found.append((intervals[i], (other_slot, other, other_start, other_end)))
    return found


@pytest.mark.slow
def test_a_member_that_loses_its_session_stops_before_its_slots_move(store: MessageStore) -> None:
    intervals: list = []
    lock = threading.Lock()
    first, second = (Member(name, store, intervals, lock) for name in ("first", "second"))
    first.start()
    second.start()
    writer = Writer(store)
    try:
        wait_until(lambda: shares(store, SIZE, GROUP) == [2, 2], timeout=20, what="a fair share")
        writer.start()
        for _ in range(3):  # cut the first member's session while both are at work
            time.sleep(0.5)
            wait_until(lambda: first.keeper.session_pid, timeout=20, what="the first's session")
            terminate(store, first.keeper.session_pid)
            time.sleep(1.5)
        messages = writer.stop()
        wait_until(
            lambda: first.recorder.handled | second.recorder.handled >= {m.id for m in messages},
            timeout=60,
            what="every message to be handled",
        )
        wait_until(lambda: shares(store, SIZE, GROUP) == [2, 2], timeout=20, what="a share again")
    finally:
        first.stop()
        second.stop()

    by_slot = [(slot_of(store, stream), *rest) for stream, *rest in intervals]
    assert {member for _, member, _, _ in by_slot} == {"first", "second"}
    assert overlaps(by_slot) == []
    assert first.thread.error is None
    assert second.thread.error is None
