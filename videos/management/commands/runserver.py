"""`manage.py runserver`, which starts even while a database is down or not yet migrated.

Django's runserver stops with a traceback when its start-up migration check cannot reach the
view database. A web process should instead say in one line what is wrong and serve anyway:
each request tries the databases again (pages answer 503 meanwhile, `/healthz` says why), so
the site comes back by itself when the database does.
"""

from __future__ import annotations

from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver
from django.db import DatabaseError

from config import health


class Command(StaticRunserver):
    def check_migrations(self) -> None:
        try:
            super().check_migrations()
        except DatabaseError as error:
            self.stderr.write(
                f"The view database is unreachable ({health.first_line(error)}); "
                "pages answer 503 until it answers."
            )
        problem = health.message_store()
        if problem is not None:
            self.stderr.write(f"The message store is {problem}; uploads answer 503 until then.")
