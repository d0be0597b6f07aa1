"""The transcode component: one subscription to its command category, whose handler sees each
command in today's shape (`transcode.upcasters` runs first)."""

from message_store.consumer import Subscription
from transcode.handlers import handle_transcode
from transcode.messages import COMMAND_CATEGORY
from transcode.upcasters import upcaster


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            "transcode", COMMAND_CATEGORY, upcaster.before({"Transcode": handle_transcode})
        )
    ]
