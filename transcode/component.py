"""The transcode component: one subscription to its command category."""

from message_store.consumer import Subscription
from transcode.handlers import handle_transcode
from transcode.messages import COMMAND_CATEGORY


def subscriptions() -> list[Subscription]:
    return [Subscription("transcode", COMMAND_CATEGORY, {"Transcode": handle_transcode})]
