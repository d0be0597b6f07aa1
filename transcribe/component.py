"""The transcribe component: one subscription to its command category, whose handler sees each
command in today's shape (`transcribe.upcasters` runs first)."""

from message_store.consumer import Subscription
from transcribe.handlers import handle_transcribe
from transcribe.messages import COMMAND_CATEGORY
from transcribe.upcasters import upcaster


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            "transcribe", COMMAND_CATEGORY, upcaster.before({"Transcribe": handle_transcribe})
        )
    ]
