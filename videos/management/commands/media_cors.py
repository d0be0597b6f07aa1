"""`manage.py media_cors [ORIGIN ...]`: let the site's pages play media from the bucket.

The player is `<video crossorigin="anonymous">` (see `videos.media`), so the bucket must answer
CORS requests from every origin the site is served on. Without arguments, prints the origins
the bucket allows now.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from transcode import files


class Command(BaseCommand):
    help = "Set (or show) the origins allowed to play media from the S3 bucket (CORS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("origins", nargs="*", help="e.g. https://videos.example.com")
        parser.add_argument("--remove", action="store_true", help="remove the CORS rules")

    def handle(self, *args, origins: list[str], remove: bool, **options) -> None:
        origins = [_origin(value) for value in origins]
        try:
            if origins or remove:
                files.set_cors([] if remove else origins)
            allowed = files.cors_origins()
        except (ImproperlyConfigured, files.StorageUnavailable) as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(allowed) if allowed else "no origin may play media (no CORS)")


def _origin(value: str) -> str:
    """`https://host[:port]` (a browser's Origin header has no path and no trailing slash)."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise CommandError(f"{value!r} is not an origin like https://videos.example.com")
    return f"{parts.scheme}://{parts.netloc}"
