"""A consumer process's HTTP endpoint: Prometheus metrics and a health check, on one port.

`manage.py consume <component> --metrics-port N` (or the `CONSUMER_METRICS_PORT` setting; off
by default, 0 picks a free port) serves, in threads beside the consumer loop:
- `/metrics`: the process's metrics in Prometheus' text format (see `message_store.metrics`, and
  prometheus_client's own `process_*` and `python_*` ones);
- `/healthz`: 200 with `{"status": "ok", ...}` while the loop runs (a handler at work counts as
  running, however long) and the message store answers; 503 naming what is wrong otherwise.
The port in use is in the process's heartbeat, so `manage.py status --json` says where to look.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.db import connections
from prometheus_client import REGISTRY, make_wsgi_app

from message_store.consumer import Consumer
from message_store.errors import MessageStoreError, first_line
from message_store.metrics import ConsumerCollector

logger = logging.getLogger(__name__)

DATABASE_TIMEOUT_SECONDS = 2.0
LOOP_STALLED_AFTER_SECONDS = 30.0
"""A loop not seen for this long, with no handler at work, is stuck (it wakes twice a second)."""


def health(consumer: Consumer) -> tuple[bool, dict[str, object]]:
    """Whether the consumer is healthy, and the checks that say so."""
    checks = {
        "loop": consumer.loop_problem(stalled_after=LOOP_STALLED_AFTER_SECONDS),
        "database": _database_problem(consumer),
    }
    healthy = all(problem is None for problem in checks.values())
    activity = consumer.activity()
    body: dict[str, object] = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
        "subscribers": activity.subscriber_ids,
        "busy": None if activity.busy is None else activity.busy.as_data(),
    }
    return healthy, body


def _database_problem(consumer: Consumer) -> str | None:
    try:
        with consumer.store.connection(timeout=DATABASE_TIMEOUT_SECONDS) as connection:
            connection.execute("SELECT 1")
    except MessageStoreError as error:
        return first_line(error)
    return None


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        logger.debug("metrics endpoint: " + format, *args)


class MonitoringServer:
    """The endpoint of one consumer, in a thread of its own until `close()`."""

    def __init__(self, consumer: Consumer, port: int, host: str = "0.0.0.0") -> None:
        self._collector = ConsumerCollector(consumer)
        REGISTRY.register(self._collector)
        metrics = make_wsgi_app(REGISTRY)
        try:
            self._server = make_server(
                host, port, _app(consumer, metrics), _Server, handler_class=_QuietHandler
            )
        except OSError:
            REGISTRY.unregister(self._collector)
            raise
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="monitoring", daemon=True
        )
        self._thread.start()
        logger.info("metrics on http://%s:%d/metrics, health on /healthz", host, self.port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        REGISTRY.unregister(self._collector)


def _app(consumer: Consumer, metrics: Callable) -> Callable:
    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            if environ.get("PATH_INFO") == "/healthz":
                healthy, body = health(consumer)
                status = "200 OK" if healthy else "503 Service Unavailable"
                content = json.dumps(body).encode()
                start_response(
                    status,
                    [
                        ("Content-Type", "application/json"),
                        ("Cache-Control", "no-cache"),
                        ("Content-Length", str(len(content))),
                    ],
                )
                return [content]
            return metrics(environ, start_response)
        finally:
            connections.close_all()  # each request has a thread (and Django connections) of its own

    return app
