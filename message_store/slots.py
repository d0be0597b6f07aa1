"""Which consumer-group slots a consumer process runs: a fixed one, or slots it leases.

A consumer group of size M splits a category into M slots (Message DB's consumer group members):
slot N runs every subscription of the component as subscriber `{id}+{N}of{M}`, with a position
of its own. `StaticSlots` is Message DB's way: the operator gives each process its member number
(`--group-member N`), or runs the whole category in one ungrouped slot.

`LeasedSlots` heals (`--group-size M` alone): each process claims free slots with PostgreSQL
session advisory locks, so a slot is held by one live session at a time, and a process that dies
loses its locks with its session, for the others to claim. Every member holds a shared "present"
lock too, so each can count the members and take its share: M // P slots, the senior members
(by session start) one more while M % P remain. A member above its share gives slots back (at a
message boundary, after storing their positions); a member below it claims free ones. The keeper
thread (`message_store.keeper`) runs all of this on its own session, once a second; the consumer
thread only adopts granted slots and drops the others.

A lease is only as good as its session. When the keeper's session ends (a database restart, a
cut connection, a terminated backend) every slot is lost at once: its `cancel` event is set, so
the consumer stops handling its messages before anyone else can claim it (a restarting server
accepts nobody yet; a cut connection is released by the server only after its keepalives fail,
later than the keeper notices). A slot whose renewal is late counts as inactive meanwhile, so the
consumer pauses it even if the keeper thread is stuck. And a newly claimed slot waits
`CLAIM_GRACE_SECONDS` before its first message: time for a member that just lost it with its
session (it notices in milliseconds, by its socket) to have stopped.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import psycopg

from message_store import queries
from message_store.metrics import SLOT_CHANGES

logger = logging.getLogger(__name__)

LEASE_SECONDS = 4.0
"""How long a slot stays active after its last confirmed renewal: more than the keeper's tick,
less than the server takes to drop a silent connection (see `message_store.keeper`)."""
SLOT_TAG = 0x4347
"""Upper 16 bits of the first key of every slot lock ('CG'): apart from the store's own tags."""
CLAIM_GRACE_SECONDS = 0.5
PRESENT = 0xFFFF
"""The slot number of the shared lock every member of a group holds."""


@dataclass(eq=False)
class Slot:
    """One slot of a group (or the whole category when `size` is None), as a consumer runs it."""

    member: int | None = None
    size: int | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    """Set when the slot must stop at once: the process stops, or the lease is lost."""
    lost: bool = False
    """The lease is gone: someone else may hold the slot, so nothing of it is stored any more."""
    releasing: bool = False
    """To be given back at the next message boundary (the group rebalances)."""
    valid_until: float = math.inf
    valid_from: float = 0.0

    @property
    def suffix(self) -> str:
        return "" if self.size is None else f"+{self.member}of{self.size}"

    @property
    def active(self) -> bool:
        """Its messages may be handled now."""
        now = time.monotonic()
        return (
            not self.cancel.is_set()
            and not self.releasing
            and self.valid_from <= now < self.valid_until
        )

    @property
    def held(self) -> bool:
        """Still this process's: its positions may be stored."""
        return not self.lost and time.monotonic() < self.valid_until

    def lose(self) -> None:
        self.lost = True
        self.cancel.set()


class SlotSource(Protocol):
    """What a consumer asks of its slots (see `Consumer`)."""

    changed: threading.Event
    """Set when the consumer has something to do: a slot granted, lost or to give back."""

    def take(self) -> list[Slot]:
        """The slots granted since the last call."""
        ...

    def give_back(self, slot: Slot) -> None:
        """The consumer no longer runs `slot` (its positions are stored, unless it was lost)."""
        ...

    def held(self) -> list[Slot]:
        """The slots this process holds now."""
        ...

    @property
    def group_size(self) -> int | None: ...

    @property
    def static_member(self) -> int | None: ...


class StaticSlots:
    """One slot for good: the whole category, or the member the operator named."""

    def __init__(self, member: int | None = None, size: int | None = None) -> None:
        if (member is None) != (size is None):
            raise ValueError("a static slot needs both a member and a group size, or neither")
        self._slot = Slot(member, size)
        self._taken = False
        self.changed = threading.Event()

    def take(self) -> list[Slot]:
        if self._taken:
            return []
        self._taken = True
        return [self._slot]

    def give_back(self, slot: Slot) -> None:
        pass

    def held(self) -> list[Slot]:
        return [self._slot]

    @property
    def group_size(self) -> int | None:
        return self._slot.size

    @property
    def static_member(self) -> int | None:
        return self._slot.member


def share(size: int, members: int, rank: int) -> int:
    """How many of `size` slots the member ranked `rank` (0: the senior) of `members` holds."""
    return size // members + (1 if rank < size % members else 0)


def group_key(group: str, size: int) -> int:
    """The second key of a group's locks: a group is its name and size (members of the same
    component started with different sizes would split the category differently)."""
    return zlib.crc32(f"{group}/{size}".encode()) & 0x7FFFFFFF


def holders(connection: psycopg.Connection, group: str, size: int) -> dict[int, int]:
    """Which session (server process id) holds each claimed slot of a group."""
    rows = connection.execute(
        queries.GROUP_LOCKS, {"tag": SLOT_TAG, "key": group_key(group, size)}
    ).fetchall()
    return {slot: pid for slot, pid, _ in rows if slot != PRESENT}


class LeasedSlots:
    """Slots of a healing group, claimed and given back through session advisory locks.

    The keeper thread calls `join`, `renew` and `leave` with its own connection and `lose_all`
    when that connection's session is gone; the consumer thread calls `take` and `give_back`.
    """

    def __init__(self, group: str, size: int) -> None:
        if size < 1:
            raise ValueError("the group size must be at least 1")
        self.group = group
        self.size = size
        self.key = group_key(group, size)
        self.changed = threading.Event()
        self.wake_keeper: Callable[[], None] = lambda: None
        """Called when the consumer gives a slot back, so that the keeper unlocks it now."""
        self._lock = threading.Lock()
        self._held: dict[int, Slot] = {}
        self._granted: list[Slot] = []
        self._returned: list[Slot] = []
        self.members = 0
        """How many members the group had at the last renewal (for status and metrics)."""

    @property
    def group_size(self) -> int | None:
        return self.size

    @property
    def static_member(self) -> int | None:
        return None

    # The consumer's side ---------------------------------------------------------------------

    def take(self) -> list[Slot]:
        with self._lock:
            granted, self._granted = self._granted, []
        return [slot for slot in granted if not slot.lost]

    def give_back(self, slot: Slot) -> None:
        with self._lock:
            if not slot.lost and self._held.get(slot.member) is slot:
                self._returned.append(slot)
        self.wake_keeper()

    def held(self) -> list[Slot]:
        with self._lock:
            return [slot for slot in self._held.values() if not slot.lost]

    # The keeper's side -----------------------------------------------------------------------

    def join(self, connection: psycopg.Connection) -> None:
        """Become a member: take the group's shared presence lock on this session."""
        connection.execute(queries.JOIN_GROUP, {"tag": SLOT_TAG, "slot": PRESENT, "key": self.key})

    def renew(self, connection: psycopg.Connection) -> None:
        """Confirm the slots held, give back what the consumer returned, and claim or ask back
        slots so that this member holds its share. Run in the caller's transaction."""
        valid_until = time.monotonic() + LEASE_SECONDS
        rows = connection.execute(
            queries.GROUP_LOCKS, {"tag": SLOT_TAG, "key": self.key}
        ).fetchall()
        me = connection.info.backend_pid
        members = sorted((started, pid) for slot, pid, started in rows if slot == PRESENT)
        holders = {slot: pid for slot, pid, _ in rows if slot != PRESENT}
        ranks = [pid for _, pid in members]
        if me not in ranks:
            self.join(connection)
            ranks.append(me)
        self.members = len(ranks)
        self._unlock_returned(connection)
        with self._lock:
            for member, slot in list(self._held.items()):
                if holders.get(member) != me:
                    logger.error("slot %d of %s is no longer locked by this process", member, self)
                    SLOT_CHANGES.labels(self.group, "lost").inc()
                    slot.lose()
                    del self._held[member]
                    self.changed.set()
                else:
                    slot.valid_until = valid_until
            keeping = [slot for slot in self._held.values() if not slot.releasing]
        target = share(self.size, len(ranks), ranks.index(me))
        if len(keeping) > target:
            self._ask_back(sorted(keeping, key=lambda slot: slot.member)[target:])
        elif len(keeping) < target:
            free = [n for n in range(self.size) if n not in holders]
            self._claim(connection, free[: target - len(keeping)], valid_until)

    def lose_all(self) -> list[int]:
        """The session is gone, and every lock with it: stop every slot at once."""
        with self._lock:
            lost = sorted(self._held)
            for slot in [*self._held.values(), *self._granted]:
                slot.lose()
            self._held.clear()
            self._granted.clear()
            self._returned.clear()
            self.members = 0
        if lost:
            SLOT_CHANGES.labels(self.group, "lost").inc(len(lost))
            self.changed.set()
        return lost

    def leave(self, connection: psycopg.Connection) -> None:
        """Give every lock up (the consumer has stopped and stored its positions)."""
        connection.execute(queries.LEAVE_GROUP)
        with self._lock:
            self._held.clear()
            self._returned.clear()

    def _claim(self, connection: psycopg.Connection, wanted: list[int], valid_until: float) -> None:
        if not wanted:
            return
        rows = connection.execute(
            queries.CLAIM_SLOTS, {"tag": SLOT_TAG, "key": self.key, "slots": wanted}
        ).fetchall()
        claimed = sorted(row[0] for row in rows)
        if not claimed:
            return
        with self._lock:
            valid_from = time.monotonic() + CLAIM_GRACE_SECONDS
            for member in claimed:
                slot = Slot(member, self.size, valid_until=valid_until, valid_from=valid_from)
                self._held[member] = slot
                self._granted.append(slot)
        SLOT_CHANGES.labels(self.group, "claimed").inc(len(claimed))
        logger.info("claimed slot(s) %s of %s", ", ".join(map(str, claimed)), self)
        self.changed.set()

    def _ask_back(self, slots: list[Slot]) -> None:
        for slot in slots:
            slot.releasing = True
        logger.info(
            "giving back slot(s) %s of %s to newer members",
            ", ".join(str(slot.member) for slot in slots),
            self,
        )
        self.changed.set()

    def _unlock_returned(self, connection: psycopg.Connection) -> None:
        with self._lock:
            returned, self._returned = self._returned, []
        if not returned:
            return
        members = [slot.member for slot in returned]
        connection.execute(
            queries.RELEASE_SLOTS, {"tag": SLOT_TAG, "key": self.key, "slots": members}
        )
        with self._lock:
            for slot in returned:
                if self._held.get(slot.member) is slot:
                    del self._held[slot.member]
        SLOT_CHANGES.labels(self.group, "given_back").inc(len(members))
        logger.info("gave back slot(s) %s of %s", ", ".join(map(str, members)), self)

    def __str__(self) -> str:
        return f"group {self.group} (size {self.size})"
