"""Log lines that say which message they are about.

While a consumer handles a message, every log record, from any module (a handler, ffmpeg, the
store), carries the subscriber, message id, type, stream and traceId in `message_context`, so
one grep follows a trace across processes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_context: ContextVar[str] = ContextVar("message_context", default="")


@contextmanager
def log_context(description: str) -> Iterator[None]:
    token = _context.set(description)
    try:
        yield
    finally:
        _context.reset(token)


class MessageContextFilter(logging.Filter):
    """Adds `message_context` to every record (empty outside a handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        record.message_context = f" {context}" if context else ""
        return True
