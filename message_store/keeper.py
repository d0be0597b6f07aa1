"""The keeper: a consumer process's heartbeat and slot leases, on a database session of its own.

It runs in a thread beside the consumer loop, so that it keeps beating while a handler works
for minutes, and owns one connection: the heartbeat row names that session, and in a healing
group the slot locks belong to it. Each tick (every second in a healing group, every heartbeat
otherwise) is one transaction: the heartbeat when due, and the leases' renewal (see `slots`).
Between ticks it waits on the session's socket, so a server that says goodbye (a restart, a
terminated backend) is noticed at once: every slot is given up on the spot, then the keeper
reconnects every `RETRY_SECONDS` and claims again.

Against a silent cut (a network partition) the session's TCP settings bound both ends: the
keeper's statements fail after 3 s without an acknowledgement (`tcp_user_timeout`), and slots
lapse `slots.LEASE_SECONDS` after their last renewal anyway, while the server holds a silent
session's locks for about 10 s (its keepalives): the cut-off member stops before another can
claim its slots.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import select
import threading
import time
from collections.abc import Callable

import psycopg

from message_store import heartbeat, queries
from message_store.errors import SCHEMA_HINT, first_line
from message_store.heartbeat import Activity, Identity
from message_store.slots import LeasedSlots

logger = logging.getLogger(__name__)

TICK_SECONDS = 1.0
"""How often a member of a healing group renews its leases (and so notices free slots)."""
RETRY_SECONDS = 0.5
CONNECTION_OPTIONS = {
    "autocommit": True,
    "connect_timeout": 2,
    "keepalives": 1,
    "keepalives_idle": 1,
    "keepalives_interval": 1,
    "keepalives_count": 2,
    "tcp_user_timeout": 3000,
}
"""libpq's options for the keeper's session (ignored on a unix socket, which cannot be cut)."""


class Keeper(threading.Thread):
    def __init__(
        self,
        conninfo: str,
        identity: Identity,
        activity: Callable[[], Activity],
        *,
        leases: LeasedSlots | None = None,
    ) -> None:
        super().__init__(name=f"keeper-{identity.component}", daemon=True)
        self.identity = identity
        self._conninfo = conninfo
        self._activity = activity
        self._leases = leases
        self._tick = TICK_SECONDS if leases is not None else heartbeat.HEARTBEAT_SECONDS
        self._stopping = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)
        self._session: psycopg.Connection | None = None
        self._lost_since: float | None = None
        self._beats = True
        if leases is not None:
            leases.wake_keeper = self.wake

    @property
    def session_pid(self) -> int | None:
        """The server process of the keeper's session (the one holding its slot locks)."""
        session = self._session
        return None if session is None or session.closed else session.info.backend_pid

    def wake(self) -> None:
        """Run a tick now (a slot was given back, or the keeper is to stop)."""
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_write, b".")

    def stop(self, timeout: float = 5.0) -> None:
        """Write the last heartbeat (stopped), give every lock up, and end the thread."""
        self._stopping.set()
        self.wake()
        if self.is_alive():
            self.join(timeout)
        if self.is_alive():
            logger.warning("the keeper did not stop in %.0f s", timeout)
            return
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    def run(self) -> None:
        next_beat = 0.0
        while not self._stopping.is_set():
            try:
                if self._session is None:
                    self._session = self._open()
                    next_beat = 0.0
                now = time.monotonic()
                with self._session.transaction():
                    if self._beats and now >= next_beat:
                        self._beat(stopped=False)
                        next_beat = now + heartbeat.HEARTBEAT_SECONDS
                    if self._leases is not None:
                        self._leases.renew(self._session)
                self._sleep(min(next_beat if self._beats else math.inf, now + self._tick))
            except psycopg.Error as error:
                self._lose(error)
                self._stopping.wait(RETRY_SECONDS)
        self._leave()

    def _open(self) -> psycopg.Connection:
        session = psycopg.connect(self._conninfo, **CONNECTION_OPTIONS)
        try:
            session.execute(queries.KEEPER_SESSION)
            self._beats = heartbeat.table_exists(session)
            if self._beats:
                heartbeat.prune(session, self.identity.component)
            else:
                logger.error("no heartbeat: its table is missing (%s)", SCHEMA_HINT)
            if self._leases is not None:
                self._leases.join(session)
        except BaseException:
            session.close()
            raise
        if self._lost_since is not None:
            logger.log(
                logging.DEBUG if self._leases is None else logging.INFO,
                "keeper session back after %.1f s",
                time.monotonic() - self._lost_since,
            )
            self._lost_since = None
        return session

    def _beat(self, *, stopped: bool) -> None:
        heartbeat.write(self._session, self.identity, self._activity(), stopped=stopped)

    def _sleep(self, until: float) -> None:
        """Wait for the next tick, a wake-up, or word from the server (say, that it closes)."""
        timeout = max(0.0, until - time.monotonic())
        readable, _, _ = select.select([self._session.fileno(), self._wake_read], [], [], timeout)
        if self._wake_read in readable:
            with contextlib.suppress(BlockingIOError, OSError):
                os.read(self._wake_read, 1024)

    def _lose(self, error: psycopg.Error) -> None:
        lost = self._leases.lose_all() if self._leases is not None else []
        if lost:
            logger.warning(
                "database session lost (%s): gave up slot(s) %s at once",
                first_line(error),
                ", ".join(map(str, lost)),
            )
        elif self._lost_since is None:
            logger.debug("keeper session lost: %s", first_line(error))
        if self._lost_since is None:
            self._lost_since = time.monotonic()
        if self._session is not None:
            with contextlib.suppress(psycopg.Error):
                self._session.close()
            self._session = None

    def _leave(self) -> None:
        if self._session is None:
            return
        try:
            with self._session.transaction():
                if self._beats:
                    self._beat(stopped=True)
                if self._leases is not None:
                    self._leases.leave(self._session)
        except psycopg.Error as error:
            logger.debug("could not say goodbye: %s", first_line(error))
        with contextlib.suppress(psycopg.Error):
            self._session.close()
        self._session = None
