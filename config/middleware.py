"""Pages while a database is down: a plain 503 that says so, instead of a 500 and a traceback.

A restart or failover of PostgreSQL is an outage of a few seconds, not a bug: the request gets
"try again in a moment" (JSON for the JSON endpoints, which scripts poll), with `Retry-After`,
and the next request simply tries the database again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from config.health import first_line
from message_store.errors import StoreUnavailableError

logger = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError, StoreUnavailableError)
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE):
            return None
        logger.warning("database unavailable for %s: %s", request.path, first_line(exception))
        if request.path.endswith(".json") or "json" in request.headers.get("Accept", ""):
            response: HttpResponse = JsonResponse({"error": "unavailable"}, status=503)
        else:
            # Rendered without the request: its context (the user, the session) needs the database.
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
