"""The transcode component: one subscription to its command category, whose handler sees each
command in today's shape (`transcode.upcasters` runs first), and a start-up check."""

from django.conf import settings

from message_store.consumer import Subscription
from transcode import files
from transcode.handlers import handle_transcode
from transcode.messages import COMMAND_CATEGORY
from transcode.upcasters import upcaster


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            "transcode", COMMAND_CATEGORY, upcaster.before({"Transcode": handle_transcode})
        )
    ]


def check() -> None:
    """The media storage must be usable: a missing bucket stops the start, in one line."""
    if not settings.SIMULATED_MEDIA:
        files.check_at_start()
