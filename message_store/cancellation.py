"""The cancel signal of the message in hand, for handlers that run long jobs.

A consumer stops at once when it is asked to (SIGTERM, SIGINT) or when it loses the consumer-group
slot the message belongs to, and a job that runs for minutes (a transcode, a transcription) must
stop with it. While a handler runs, `cancel_event()` is the event the consumer sets in those
cases; the handler passes it to the job, which checks it (ffmpeg is killed, Whisper stops
between segments) and raises. The consumer then leaves the message unhandled, neither parked nor
finished, so that it is delivered again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[threading.Event | None] = ContextVar("cancel_event", default=None)


def cancel_event() -> threading.Event:
    """The event that says the message in hand is to be given up (a fresh event, never set,
    outside a consumer: a handler called directly runs to the end)."""
    event = _current.get()
    return threading.Event() if event is None else event


@contextmanager
def cancellable(event: threading.Event) -> Iterator[None]:
    """Make `event` the cancel event of the handling inside the block."""
    token = _current.set(event)
    try:
        yield
    finally:
        _current.reset(token)
