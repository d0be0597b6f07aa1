"""`manage.py embedded_postgres stop|restart|status`: manage the development database server."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import embedded_postgres


class Command(BaseCommand):
    help = (
        "Stop or restart the embedded PostgreSQL (in EMBEDDED_POSTGRES_DIR), or tell whether it"
        " runs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["stop", "restart", "status"])
        parser.add_argument(
            "--mode",
            choices=["smart", "fast", "immediate"],
            default="fast",
            help="how to stop it (pg_ctl's modes; immediate is a crash, recovered at start)",
        )

    def handle(self, *args, action: str, mode: str, **options) -> None:
        data_dir = settings.EMBEDDED_POSTGRES_DIR
        if action == "status":
            running = (data_dir / "postmaster.pid").exists()
            self.stdout.write(f"{'running' if running else 'stopped'}: {data_dir}")
            return
        try:
            change = embedded_postgres.restart if action == "restart" else embedded_postgres.stop
            done = change(data_dir, mode)
        except Exception as error:
            raise CommandError(f"could not {action} the embedded PostgreSQL: {error}") from error
        self.stdout.write(
            {"stop": "stopped", "restart": "restarted"}[action] if done else "not running"
        )
