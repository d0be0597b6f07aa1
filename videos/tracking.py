"""The aggregator's positions, kept in the view database with the rows (`Tracking`).

Implements `message_store.tracking.Tracking`: each read batch of the aggregator is one
transaction of the view database that locks the subscriber's tracking row, applies what the row
says is not applied yet, and moves the row on. A second aggregator racing on the same subscriber
waits for the lock, then finds the batch applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from psycopg.pq import TransactionStatus

from videos.models import Tracking


class TrackedTransaction:
    """An open view-database transaction with the subscriber's tracking row locked."""

    def __init__(self, using: str, position: int) -> None:
        self.using = using
        self.position = position
        self.advanced_to = position

    @property
    def failed(self) -> bool:
        connection = connections[self.using]
        raw = connection.connection
        return connection.needs_rollback or (
            raw is not None and raw.info.transaction_status == TransactionStatus.INERROR
        )

    def advance(self, position: int) -> None:
        self.advanced_to = max(self.advanced_to, position)


class ViewTracking:
    """Tracking rows in the view database (`message_store.tracking.Tracking`)."""

    def __init__(
        self,
        using: str = DEFAULT_DB_ALIAS,
        *,
        handling: Callable[[], AbstractContextManager] = nullcontext,
    ) -> None:
        """`handling`: a context to run the handlers in, which may hold their writes back to
        its end (the aggregator's `applying_together`); it ends inside the transaction."""
        self.using = using
        self.handling = handling

    def position(self, subscriber_id: str) -> int | None:
        rows = Tracking.objects.using(self.using).filter(pk=subscriber_id)
        return rows.values_list("position", flat=True).first()

    def save(self, subscriber_id: str, position: int) -> None:
        with self.transaction(subscriber_id) as tracked:
            tracked.advance(position)

    @contextmanager
    def transaction(self, subscriber_id: str) -> Iterator[TrackedTransaction]:
        with transaction.atomic(using=self.using):
            tracked = TrackedTransaction(self.using, self._lock(subscriber_id))
            with self.handling():
                yield tracked
            if tracked.advanced_to > tracked.position and not tracked.failed:
                self._record(subscriber_id, tracked.advanced_to)

    def advance_all(self, positions: dict[str, int]) -> None:
        """Move several subscribers on, in the caller's transaction, never back (the rebuild
        does this with the rows it swaps in). Locks their rows in one order, as `transaction`
        does one, so that the two never deadlock."""
        for subscriber_id in sorted(positions):
            if self._lock(subscriber_id) < positions[subscriber_id]:
                self._record(subscriber_id, positions[subscriber_id])

    def _record(self, subscriber_id: str, position: int) -> None:
        Tracking.objects.using(self.using).filter(pk=subscriber_id).update(
            position=position, updated_at=timezone.now()
        )

    def _lock(self, subscriber_id: str) -> int:
        """Lock the subscriber's row (created at 0 if missing); return its position."""
        rows = Tracking.objects.using(self.using).select_for_update().filter(pk=subscriber_id)
        position = rows.values_list("position", flat=True).first()
        if position is None:
            Tracking.objects.using(self.using).bulk_create(
                [Tracking(subscriber_id=subscriber_id, position=0, updated_at=timezone.now())],
                ignore_conflicts=True,
            )
            position = rows.values_list("position", flat=True).get()
        return position
