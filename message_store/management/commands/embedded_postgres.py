"""`manage.py embedded_postgres stop|status`: manage the development database server."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import embedded_postgres


class Command(BaseCommand):
    help = "Stop the embedded PostgreSQL (in EMBEDDED_POSTGRES_DIR), or tell whether it runs."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["stop", "status"])

    def handle(self, *args, action: str, **options) -> None:
        data_dir = settings.EMBEDDED_POSTGRES_DIR
        if action == "status":
            running = (data_dir / "postmaster.pid").exists()
            self.stdout.write(f"{'running' if running else 'stopped'}: {data_dir}")
            return
        try:
            stopped = embedded_postgres.stop(data_dir)
        except Exception as error:
            raise CommandError(f"could not stop the embedded PostgreSQL: {error}") from error
        self.stdout.write("stopped" if stopped else "not running")
