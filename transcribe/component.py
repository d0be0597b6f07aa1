"""The transcribe component: one subscription to its command category, whose handler sees each
command in today's shape (`transcribe.upcasters` runs first), and a start-up check."""

from django.conf import settings

from message_store.consumer import Subscription
from transcode import files
from transcribe import model
from transcribe.handlers import handle_transcribe
from transcribe.messages import COMMAND_CATEGORY
from transcribe.upcasters import upcaster


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            "transcribe", COMMAND_CATEGORY, upcaster.before({"Transcribe": handle_transcribe})
        )
    ]


def check() -> None:
    """Load the Whisper model before consuming and reach the media storage: a missing model
    or bucket fails the start, in one line, and the first video does not wait for the load."""
    if not settings.SIMULATED_MEDIA:
        files.check_at_start()
        model.get_model()
