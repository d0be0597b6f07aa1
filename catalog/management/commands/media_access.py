"""`manage.py media_access`: give every video's files the access its visibility says.

Needed once after switching to plain URLs (`AWS_QUERYSTRING_AUTH=false`), since files stored
before were all private; afterwards the catalog keeps them right by itself
(`catalog.media_access`). Safe to run again at any time.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog import media_access
from message_store.runtime import get_store
from transcode import files


class Command(BaseCommand):
    help = "Make public and unlisted videos' files readable by anyone, private ones not."

    def handle(self, *args, **options) -> None:
        if not files.serves_public_read():
            raise CommandError(
                "nothing to do: media are served by presigned URLs (AWS_QUERYSTRING_AUTH is "
                "not false) or from a folder, so no file is ever public"
            )
        store = get_store()
        changed = videos = 0
        try:
            for stream in tqdm(media_access.video_streams(store), unit=" videos"):
                changed += media_access.apply(store, stream)
                videos += 1
        except files.StorageUnavailable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{videos} videos, {changed} files set")
