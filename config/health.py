"""Health of the web process, for load balancers and probes: `/healthz`.

The web process can serve only when it reaches both databases and the media storage: the view
database (every page reads it), the message store (every command is written there, through the
same connection pool the uploads use, so a pool left with dead connections after a restart
shows here too) and the storage uploads go to (a folder, or an S3 bucket). The message store
must also have its schema, or commands would fail: that is a deployment mistake with a known
fix, so the answer names the command that installs it.
"""

from __future__ import annotations

import psycopg
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from message_store import queries
from message_store.errors import SCHEMA_HINT, MessageStoreError, first_line
from message_store.runtime import get_store
from transcode import files

TIMEOUT_SECONDS = 3.0
"""How long a check waits for the message store's pool before calling it unreachable."""


def view_database() -> str | None:
    """None when the view database answers; otherwise what is wrong, in one line."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        connections["default"].close_if_unusable_or_obsolete()
        return f"unreachable: {first_line(error)}"
    return None


def message_store() -> str | None:
    """None when the message store answers with its schema installed; otherwise why not."""
    store = get_store()
    try:
        with store.connection(timeout=TIMEOUT_SECONDS) as connection:
            installed = connection.execute(queries.SCHEMA_INSTALLED).fetchone()[0]
    except MessageStoreError:
        return f"unreachable: {_connect_error(store.conninfo)}"
    return None if installed else f"the message store schema is not installed ({SCHEMA_HINT})"


def _connect_error(conninfo: str) -> str:
    """Why a fresh connection fails: the pool only says that it timed out waiting."""
    try:
        psycopg.connect(conninfo, connect_timeout=int(TIMEOUT_SECONDS)).close()
    except psycopg.Error as error:
        return first_line(error)
    return "the connection pool could not hand out a connection in time"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with `{"status": "ok"}` when everything answers; 503 naming what does not."""
    found = {
        "database": view_database(),
        "message_store": message_store(),
        "storage": media_storage(),
    }
    problems = {name: problem for name, problem in found.items() if problem is not None}
    body = {
        "status": "unavailable" if problems else "ok",
        "checks": {name: problems.get(name, "ok") for name in found},
    }
    return JsonResponse(body, status=503 if problems else 200)


def media_storage() -> str | None:
    """None when the media storage can be written; otherwise why not (a missing bucket, an
    unreachable endpoint, a read-only folder)."""
    try:
        files.check()
    except files.StorageUnavailable as error:
        return f"unreachable: {error.reason}"
    return None
