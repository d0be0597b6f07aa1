"""Small helpers that make handlers idempotent and distrustful, shared by every component."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from message_store.contracts import MalformedMessageError
from message_store.erasure import is_erased
from message_store.errors import (
    DuplicateMessageIdError,
    MessageStoreError,
    StaleEntityError,
    VersionConflictError,
)
from message_store.messages import Message, NewMessage, derived_id
from message_store.metadata import follow, with_origin
from message_store.projection import Projection
from message_store.store import MessageStore
from message_store.streams import stream_id

logger = logging.getLogger(__name__)


def write_once(store: MessageStore, message: NewMessage) -> bool:
    """Write `message` unless someone already did; False when it lost the race.

    Handlers write with an expected version and a derived id: a version conflict means another
    consumer acted on the same state first, and a duplicate id means this very write already
    happened (a retry after a crash). Either way the work is done, so this is not an error.
    A `StaleEntityError` is different: the version came from this process's entity cache and
    is out of date, so the handler must run again (the consumer does that).
    """
    try:
        store.write(message)
    except StaleEntityError:
        raise
    except (VersionConflictError, DuplicateMessageIdError) as error:
        logger.info("skipped %s to %s: %s", message.type, message.stream_name, error)
        return False
    return True


def job_projection(
    initial: Callable[[], Any], outcome: str, failure: str, *, real: Callable[[Message], bool]
) -> Projection:
    """A job's stream folded into an `initial()` entity whose `finished` says whether the job is
    done: by a `failure` event, or by an `outcome` event that `real` says is an outcome of real
    work (other writers, the workshop's simulated jobs, may answer the same command with less),
    or that is erased (its video was deleted)."""

    def finished(job, _message: Message):
        return replace(job, finished=True)

    def outcome_finished(job, message: Message):
        return finished(job, message) if is_erased(message) or real(message) else job

    return Projection(initial=initial, handlers={outcome: outcome_finished, failure: finished})


def require_stream_id(message: Message, expected_id: str) -> None:
    """A command's stream id must be the entity id it names; anything else is malformed."""
    if stream_id(message.stream_name) != expected_id:
        raise MalformedMessageError(
            f"{message.type} {message.id}: stream {message.stream_name} does not match "
            f"id {expected_id}"
        )


def emit(
    store: MessageStore,
    cause: Message,
    stream: str,
    event,
    *,
    expected_version: int,
    origin_stream_name: str | None = None,
) -> bool:
    """Write `event` (a MessageData) to `stream` as caused by `cause`, at most once.

    The id derives from the cause and the event type, so a retried handler writes the same id;
    the expected version makes a racing handler lose instead of writing twice. A command sent
    to another component names `origin_stream_name`, so that its replies find their way back.
    """
    metadata = follow(cause)
    if origin_stream_name is not None:
        metadata = with_origin(metadata, origin_stream_name)
    return write_once(
        store,
        NewMessage(
            id=derived_id(event.type_name, cause.id),
            stream_name=stream,
            type=event.type_name,
            data=event.to_data(),
            metadata=metadata,
            expected_version=expected_version,
        ),
    )


RACES = 5
"""How many times `run_once` writes an outcome again after others wrote to the job's stream."""


def run_once(
    store: MessageStore, command: Message, stream: str, projection, work: Callable[[], Any]
) -> None:
    """Do a job's `work` unless its entity stream says it is finished, then record the event
    `work` returns (success or failure) in `stream`, at most once.

    The projection's entity must have a `finished` flag. A duplicate command, or one handled
    again after a crash that came after the write, finds the job finished and does nothing.
    When another writer wrote to the stream while the work ran (the write then loses on its
    expected version), the stream is read again: if that writer finished the job, nothing is
    written; if it did not (the workshop's simulated jobs answer our commands with what the
    projection does not count as an outcome), the outcome is written after it, without doing
    the work again. For handlers that run outside a store transaction (long jobs always do).
    """
    job, version = store.fetch(stream, projection)
    if job.finished:
        logger.info("%s already finished; skipping %s %s", stream, command.type, command.id)
        return
    outcome = work()
    for _ in range(RACES):
        try:
            if emit(store, command, stream, outcome, expected_version=version):
                return
        except StaleEntityError:
            pass
        job, version = store.fetch(stream, projection)
        if job.finished:
            return
        logger.info("%s has no outcome of this job yet; writing it after the others", stream)
    raise MessageStoreError(f"{stream}: others kept writing; the outcome is not written yet")
