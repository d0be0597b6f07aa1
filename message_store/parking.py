"""Parked messages: what a subscriber gave up on, kept with the error for a person to replay.

A replay is a request, not an action: the admin (or `manage.py parked replay`) marks the message
and notifies consumers; the consumer process that owns the subscriber handles it again, with
its own handlers and resources, and marks the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from config.routers import MESSAGE_STORE_DB
from message_store import queries
from message_store.messages import Message
from message_store.models import ParkedMessage
from message_store.runtime import get_store

REPLAY_PAYLOAD = "$replay"
"""Notification payload that tells consumers to look for replay requests."""


def park(*, subscriber_id: str, message: Message, error: str, attempts: int) -> ParkedMessage:
    """Record `message` as parked for `subscriber_id` (once; a second park updates the error)."""
    fields = {
        "global_position": message.global_position,
        "stream_name": message.stream_name,
        "type": message.type,
        "data": message.data,
        "metadata": message.metadata,
        "error": error[:10_000],
        "attempts": attempts,
        "status": ParkedMessage.Status.PARKED,
        "resolved_at": None,
    }
    try:
        with transaction.atomic(using=MESSAGE_STORE_DB):
            parked, _ = ParkedMessage.objects.update_or_create(
                subscriber_id=subscriber_id, message_id=message.id, defaults=fields
            )
    except IntegrityError:
        parked = ParkedMessage.objects.get(subscriber_id=subscriber_id, message_id=message.id)
    return parked


def request_replay(parked_ids: Iterable[int]) -> int:
    """Ask the owning consumers to handle these parked messages again; returns how many."""
    count = ParkedMessage.objects.filter(
        pk__in=list(parked_ids), status=ParkedMessage.Status.PARKED
    ).update(status=ParkedMessage.Status.REPLAY_REQUESTED)
    if count:
        with get_store().connection() as connection:
            connection.execute(queries.NOTIFY, (queries.NOTIFY_CHANNEL, REPLAY_PAYLOAD))
    return count


def dismiss(parked_ids: Iterable[int]) -> int:
    return ParkedMessage.objects.filter(pk__in=list(parked_ids)).update(
        status=ParkedMessage.Status.DISMISSED, resolved_at=timezone.now()
    )


def replay_requests(subscriber_ids: Iterable[str]) -> list[ParkedMessage]:
    return list(
        ParkedMessage.objects.filter(
            subscriber_id__in=list(subscriber_ids), status=ParkedMessage.Status.REPLAY_REQUESTED
        ).order_by("global_position")
    )


def waiting_counts(subscriber_ids: Iterable[str]) -> dict[str, int]:
    """How many messages of each subscriber are parked and not yet replayed or dismissed."""
    waiting = (ParkedMessage.Status.PARKED, ParkedMessage.Status.REPLAY_REQUESTED)
    rows = (
        ParkedMessage.objects.filter(subscriber_id__in=list(subscriber_ids), status__in=waiting)
        .values("subscriber_id")
        .annotate(count=Count("pk"))
    )
    return {row["subscriber_id"]: row["count"] for row in rows}


def mark_replayed(parked: ParkedMessage) -> None:
    parked.status = ParkedMessage.Status.REPLAYED
    parked.resolved_at = timezone.now()
    parked.save(update_fields=["status", "resolved_at"])
