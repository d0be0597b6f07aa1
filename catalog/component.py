"""The catalog component: its command, its own events, and the replies of the jobs it started.

Every subscription hands its handlers messages in today's shape: the upcaster of the contract
the category belongs to runs first (the catalog's own, or transcode's and transcribe's for
their replies). The reply subscriptions read with `origin="catalog"`: the database keeps the
replies addressed to a catalog stream, by `correlationStreamName` (ours) or, without one, by
`originStreamName` (the workshop's), and the stored position advances past all the others.
Every handler here reads and writes the store, quickly, so each read batch is handled in one
transaction; the few that touch the media storage (erasure after `Deleted`, and the files'
public access, see `catalog.media_access`) are idempotent, so a batch that is handled again
just does them again.
"""

import transcode.messages as transcode_messages
import transcode.upcasters as transcode_upcasters
import transcribe.messages as transcribe_messages
import transcribe.upcasters as transcribe_upcasters
from catalog import handlers, media_access, messages, owner
from catalog.upcasters import upcaster
from message_store.consumer import Subscription
from transcode import files


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            "catalog-commands",
            messages.COMMAND_CATEGORY,
            upcaster.before(
                {
                    "Catalog": handlers.handle_catalog,
                    "ChangeDetails": owner.handle_change_details,
                    "ChangeVisibility": owner.handle_change_visibility,
                    "Delete": owner.handle_delete,
                }
            ),
            batch_transaction=True,
        ),
        Subscription(
            "catalog-events",
            messages.CATEGORY,
            upcaster.before(
                {
                    "Started": handlers.handle_started,
                    "Transcoded": media_access.first(handlers.handle_transcoded),
                    "Transcribed": media_access.first(handlers.handle_transcribed),
                    "VisibilityChanged": media_access.handle_media_access,
                    "Deleted": owner.handle_deleted,
                }
            ),
            batch_transaction=True,
        ),
        Subscription(
            "catalog-transcode-events",
            transcode_messages.CATEGORY,
            transcode_upcasters.upcaster.before(
                {
                    "Transcoded": handlers.handle_job_transcoded,
                    "TranscodeFailed": handlers.handle_job_transcode_failed,
                }
            ),
            origin=messages.CATEGORY,
            batch_transaction=True,
        ),
        Subscription(
            "catalog-transcribe-events",
            transcribe_messages.CATEGORY,
            transcribe_upcasters.upcaster.before(
                {
                    "Transcribed": handlers.handle_job_transcribed,
                    "TranscribeFailed": handlers.handle_job_transcribe_failed,
                }
            ),
            origin=messages.CATEGORY,
            batch_transaction=True,
        ),
    ]


def check() -> None:
    """The media storage must be usable, since erasure removes files: a missing bucket stops
    the start, in one line."""
    files.check_at_start()
