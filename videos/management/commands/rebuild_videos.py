"""`manage.py rebuild_videos`: recompute the videos view data from the message store."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from message_store.errors import MessageStoreError
from message_store.runtime import get_store
from videos.rebuild import rebuild_videos


class Command(BaseCommand):
    help = (
        "Rebuild the videos view data from the catalog's messages. The site keeps serving the "
        "old rows until the new ones replace them in one transaction."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--keep-orphans",
            action="store_true",
            help="keep rows whose streams are no longer in the store",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, batch_size: int, keep_orphans: bool, no_progress: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        bar = None if no_progress else ProgressBar(self.stderr)
        try:
            result = rebuild_videos(
                store=get_store(),
                batch_size=batch_size,
                remove_orphans=not keep_orphans,
                progress=bar,
            )
        except MessageStoreError as error:
            raise CommandError(f"could not read the message store: {error}") from error
        finally:
            if bar is not None:
                bar.finish()
        self.stdout.write(
            f"Rebuilt {result.videos} videos from {result.messages} messages "
            f"({result.skipped} malformed skipped, {result.removed} removed)."
        )


class ProgressBar:
    """A one-line text progress bar, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, out) -> None:
        self.out = out
        self.drawn_at = 0.0
        self.last = ""

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.drawn_at < 0.1:
            return
        self.drawn_at = now
        filled = self.WIDTH * done // total if total else self.WIDTH
        percent = 100 * done // total if total else 100
        self.last = f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3}% {done}/{total}"
        self.out.write(self.last, ending="")
        self.out.flush()

    def finish(self) -> None:
        if self.last:
            self.out.write("")
