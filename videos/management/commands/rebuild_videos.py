"""`manage.py rebuild_videos`: recompute the videos view data from the message store."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from message_store.errors import MessageStoreError
from message_store.runtime import get_store
from videos.rebuild import READ_CHUNK, rebuild_videos


class Command(BaseCommand):
    help = (
        "Rebuild the videos view data from the catalog's messages. The site keeps serving the "
        "old rows until the new ones replace them in one transaction."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=READ_CHUNK,
            help="messages fetched from the store at a time",
        )
        parser.add_argument(
            "--keep-orphans",
            action="store_true",
            help="keep rows whose streams are no longer in the store",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, batch_size: int, keep_orphans: bool, no_progress: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.perf_counter()
        with tqdm(
            desc="Rebuilding",
            unit=" messages",
            file=self.stderr._out,
            disable=no_progress,
            dynamic_ncols=True,
        ) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                result = rebuild_videos(
                    store=get_store(),
                    batch_size=batch_size,
                    remove_orphans=not keep_orphans,
                    progress=progress,
                )
            except MessageStoreError as error:
                raise CommandError(f"could not read the message store: {error}") from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Rebuilt {result.videos} videos from {result.messages} messages "
            f"({result.skipped} malformed skipped, {result.removed} removed) in {seconds:.2f} s "
            f"({result.messages / max(seconds, 1e-9):,.0f} messages/s)."
        )
