"""Log lines that say which message they are about, as text or as JSON.

While a consumer handles a message, every log record, from any module (a handler, ffmpeg, the
store), carries the message's context: subscriber, message_id, type, stream, global position and
traceId. In text logs it is appended as ` [subscriber=... trace=...]` (`message_context`), so one
grep follows a trace across processes; with `LOG_FORMAT=json` each line is one JSON object and
the context fields are keys of their own, for log pipelines that index them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

_context: ContextVar[Mapping[str, Any] | None] = ContextVar("message_context", default=None)


@contextmanager
def log_context(fields: Mapping[str, Any]) -> Iterator[None]:
    """Attach `fields` (e.g. subscriber, message_id, type, stream, position, trace) to every
    log record made inside the block."""
    token = _context.set(dict(fields))
    try:
        yield
    finally:
        _context.reset(token)


def describe(fields: Mapping[str, Any]) -> str:
    """The text form of a context: `[subscriber=... message=...]`."""
    return "[" + " ".join(f"{key}={value}" for key, value in fields.items()) + "]"


class MessageContextFilter(logging.Filter):
    """Adds the context to every record: as `message_context` text (empty outside a handler)
    and as `context`, a dict the JSON formatter spreads into keys."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = _context.get() or {}
        record.message_context = f" {describe(fields)}" if fields else ""
        record.context = fields
        return True


class JsonLogFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, the message context's fields,
    and the exception text when there is one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "message_context", "context"])
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for key, value in getattr(record, "context", {}).items():
            log_data.setdefault(key, value)
