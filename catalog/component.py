"""The catalog component: its command, its own events, and the replies of the jobs it started.

The reply subscriptions filter on `correlation="catalog"` in the database, so the stored
position advances past other components' jobs instead of stalling on them. Every handler here
only reads and writes the store, quickly, so each read batch is handled in one transaction.
"""

import transcode.messages as transcode_messages
import transcribe.messages as transcribe_messages
from catalog import handlers, messages
from message_store.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            "catalog-commands",
            messages.COMMAND_CATEGORY,
            {"Catalog": handlers.handle_catalog},
            batch_transaction=True,
        ),
        Subscription(
            "catalog-events",
            messages.CATEGORY,
            {
                "Started": handlers.handle_started,
                "Transcoded": handlers.handle_transcoded,
                "Transcribed": handlers.handle_transcribed,
            },
            batch_transaction=True,
        ),
        Subscription(
            "catalog-transcode-events",
            transcode_messages.CATEGORY,
            {
                "Transcoded": handlers.handle_job_transcoded,
                "TranscodeFailed": handlers.handle_job_transcode_failed,
            },
            correlation=messages.CATEGORY,
            batch_transaction=True,
        ),
        Subscription(
            "catalog-transcribe-events",
            transcribe_messages.CATEGORY,
            {
                "Transcribed": handlers.handle_job_transcribed,
                "TranscribeFailed": handlers.handle_job_transcribe_failed,
            },
            correlation=messages.CATEGORY,
            batch_transaction=True,
        ),
    ]
