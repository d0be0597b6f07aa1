"""The videos component: the aggregator that keeps the view data in step with the catalog.

Two subscriptions, because the catalog writes to two categories: the `Catalog` command (so a
video shows up as queued the moment it is uploaded) and the video's own events. Each keeps its
position in the view database, so that a read batch and the position it reaches commit together.
"""

from catalog import messages
from message_store.consumer import Subscription
from videos import aggregator
from videos.tracking import ViewTracking


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            subscriber_id="videos-aggregator-commands",
            category=messages.COMMAND_CATEGORY,
            handlers=aggregator.COMMAND_HANDLERS,
            tracking=ViewTracking(handling=aggregator.applying_together),
        ),
        Subscription(
            subscriber_id="videos-aggregator",
            category=messages.CATEGORY,
            handlers=aggregator.EVENT_HANDLERS,
            tracking=ViewTracking(handling=aggregator.applying_together),
        ),
    ]
