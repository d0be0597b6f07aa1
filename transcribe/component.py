"""The transcribe component: one subscription to its command category."""

from message_store.consumer import Subscription
from transcribe.handlers import handle_transcribe
from transcribe.messages import COMMAND_CATEGORY


def subscriptions() -> list[Subscription]:
    return [Subscription("transcribe", COMMAND_CATEGORY, {"Transcribe": handle_transcribe})]
