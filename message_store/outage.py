"""Waiting out a lost database, and resuming the moment it answers again.

A consumer whose database call fails cannot tell from the error whether the server is gone (a
restart, a wrong URL, a network cut) or only its connection is (a terminated backend). So it
probes: a fresh connection to each database it was using, which costs a refused connect while
the server is down. A database that answers (and, for the message store, has its schema) ends
the wait at once, whatever the backoff, so a consumer resumes within a probe interval of the
server accepting connections. If every database answers but the work keeps failing, the retries
back off (doubling, up to the consumer's `max_reconnect_delay`) so nothing spins.

What is wrong is said once, in one line (psycopg's connection errors take two), and said again
only when it changes; a missing schema names the command that installs it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

import psycopg

from message_store import queries
from message_store.errors import (
    SCHEMA_HINT,
    StoreUnavailableError,
    database_unavailable,
    first_line,
)
from message_store.runtime import store_conninfo

logger = logging.getLogger(__name__)

PROBE_SECONDS = 0.5
FIRST_DELAY_SECONDS = 0.2
MAX_DELAY_SECONDS = 10.0
PROBE_TIMEOUT_SECONDS = 2
"""libpq's connect_timeout (whole seconds, at least 2)."""
_NAMES = {"default": "view database", "message_store": "message store"}


class Outage:
    """One consumer's view of its databases: reachable, or being waited for."""

    def __init__(
        self,
        conninfo: str,
        stopping: threading.Event,
        *,
        touch: Callable[[], None],
        max_delay: float = MAX_DELAY_SECONDS,
    ) -> None:
        self._conninfo = conninfo
        self._max_delay = max_delay
        self._stopping = stopping
        self._touch = touch
        self._failures = 0
        self._said: str | None = None
        self.down = False
        """A call failed and the work has not succeeded since."""

    def wait_until_answering(self) -> None:
        """Before starting: wait (saying why, once) until the message store answers."""
        reason = self._probe([])
        if reason is not None:
            self._wait_while_refused(reason, [])

    def wait(self, error: BaseException, *, also: Sequence[str] = ()) -> None:
        """After a failed call: return when it is worth trying again. `also` names the Django
        databases (aliases) the failed work was using, to be probed besides the store."""
        self.down = True
        self._failures += 1
        reason = self._probe(also)
        if reason is not None:
            self._wait_while_refused(reason, also)
            return
        delay = min(FIRST_DELAY_SECONDS * 2 ** (self._failures - 1), self._max_delay)
        self._say(f"{_unavailable(error)}; retrying", f"in {delay:.1f} s")
        self._stopping.wait(delay)

    def over(self) -> bool:
        """The work went through: True if it had been failing (a reconnection)."""
        was_down = self.down
        self.down = False
        self._failures = 0
        self._said = None
        return was_down

    def _wait_while_refused(self, reason: str, also: Sequence[str]) -> None:
        started = time.monotonic()
        self._say(f"{reason}; retrying every {PROBE_SECONDS:g} s until it answers")
        while not self._stopping.wait(PROBE_SECONDS):
            self._touch()
            reason = self._probe(also)
            if reason is None:
                logger.info("the database answers again (after %.1f s)", time.monotonic() - started)
                self._failures = 0
                return
            self._say(f"{reason}; retrying every {PROBE_SECONDS:g} s until it answers")

    def _say(self, what: str, detail: str = "") -> None:
        """Log `what` once (until it changes); `detail` varies and stays out of the comparison."""
        line = f"{what} {detail}".strip()
        if what == self._said:
            logger.debug("%s", line)
            return
        self._said = what
        logger.warning("%s", line)

    def _probe(self, aliases: Sequence[str]) -> str | None:
        """None when every database answers; otherwise what is wrong, in one line."""
        targets = {"message store": self._conninfo}
        for alias in aliases:
            conninfo = store_conninfo(alias)
            if conninfo != self._conninfo:
                targets[_NAMES.get(alias, f"database {alias!r}")] = conninfo
        for name, conninfo in targets.items():
            try:
                with psycopg.connect(
                    conninfo, connect_timeout=PROBE_TIMEOUT_SECONDS, autocommit=True
                ) as connection:
                    if conninfo == self._conninfo:
                        installed = connection.execute(queries.SCHEMA_INSTALLED).fetchone()[0]
                        if not installed:
                            return f"the message store schema is not installed ({SCHEMA_HINT})"
            except psycopg.Error as error:
                return f"{name} unreachable: {first_line(error)}"
        return None


def _unavailable(error: BaseException) -> str:
    """What a failed call says is unavailable: the database, or what the error names (the media
    storage, say), which the probes cannot see."""
    if isinstance(error, StoreUnavailableError):
        return error.outage()
    return database_unavailable(error)
