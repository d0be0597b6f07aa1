"""Tracking: a subscriber's position kept in the database its handlers write to, in the same
transaction as their effects (the Python `eventsourcing` library's tracking records).

A consumer normally stores positions as `Read` events in the message store, apart from what its
handlers did elsewhere: after a crash between the two, messages are handled again, which
idempotent handlers shrug off. A subscription with a `Tracking` instead commits each read batch
and the position it reached together, so that no crash can make them disagree: every message's
effects are committed exactly once. Racing consumers of one subscriber serialize on the tracking
record (the first to lock it applies the batch; the other then finds the batch applied).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol


class TrackedTransaction(Protocol):
    """One open transaction of the tracking database, with the subscriber's record locked."""

    position: int
    """The recorded position: messages at or below it are already applied."""

    @property
    def failed(self) -> bool:
        """A statement failed and the error was caught: the transaction cannot commit."""
        ...

    def advance(self, position: int) -> None:
        """Record `position` when the transaction commits (a lower one is ignored)."""
        ...


class Tracking(Protocol):
    def position(self, subscriber_id: str) -> int | None:
        """The recorded position; None when the subscriber has no record yet."""
        ...

    def save(self, subscriber_id: str, position: int) -> None:
        """Record `position` on its own (a filtered subscription that skipped messages)."""
        ...

    def transaction(self, subscriber_id: str) -> AbstractContextManager[TrackedTransaction]:
        """Open a transaction with the subscriber's record locked; commit on a normal exit."""
        ...
