"""Where a subscriber stands, as the runtime records it, and how far behind that is.

A subscriber's position is the last `Read` event in `subscriberPosition-{subscriberId}` (the
workshop's format) or, for a tracked subscription, its tracking record (starting from the `Read`
events while it has none). The consumer starts from it, and `manage.py status`, the admin and
the metrics read it the same way: there is one bookkeeping of positions, not two.

Lag is what a subscriber at a position still has to read: the messages its own read (category,
correlation or origin filter, consumer-group slot) returns after that position, counted up to
`LAG_LIMIT`, and the age of the oldest of them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from message_store.store import MessageStore
from message_store.streams import stream_name

if TYPE_CHECKING:
    from message_store.consumer import Subscription

logger = logging.getLogger(__name__)

POSITION_CATEGORY = "subscriberPosition"
POSITION_TYPE = "Read"
LAG_LIMIT = 10_000
"""Counting stops here: a subscriber this far behind is simply very far behind."""


def position_stream(subscriber_id: str) -> str:
    return stream_name(POSITION_CATEGORY, subscriber_id)


def stored_position(store: MessageStore, subscription: Subscription, subscriber_id: str) -> int:
    """The global position after which `subscriber_id` (a subscriber of `subscription`, in
    whichever slot) resumes."""
    tracking = subscription.tracking
    position = None if tracking is None else tracking.position(subscriber_id)
    if position is not None:
        return position
    last = store.read_last(position_stream(subscriber_id), POSITION_TYPE)
    position = last.data.get("position") if last else 0
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        logger.error(
            "subscriber %s: stored position %r is not a count; starting from 0",
            subscriber_id,
            position,
        )
        return 0
    return position


@dataclass(frozen=True)
class Lag:
    messages: int
    """Messages still to read (at most LAG_LIMIT: see `capped`)."""
    seconds: float | None
    """Age of the oldest of them; None when there is none."""
    capped: bool

    @classmethod
    def of(
        cls,
        store: MessageStore,
        subscription: Subscription,
        position: int,
        *,
        group_member: int | None = None,
        group_size: int | None = None,
    ) -> Lag:
        count, seconds = store.unread(
            subscription.category,
            position=position + 1,
            limit=LAG_LIMIT,
            correlation=subscription.correlation,
            origin=subscription.origin,
            group_member=group_member,
            group_size=group_size,
        )
        return cls(count, seconds if count else None, count >= LAG_LIMIT)
