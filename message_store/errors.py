"""The message store's own errors: callers never see a raw psycopg exception."""

from __future__ import annotations

import re


class MessageStoreError(Exception):
    """Base of every error the message store raises."""


class InvalidMessageError(MessageStoreError, ValueError):
    """A message, stream name or read argument breaks the rules; nothing was written."""


class DuplicateMessageIdError(MessageStoreError):
    """A message with this id is already stored; nothing was written."""

    def __init__(self, message_id: str) -> None:
        super().__init__(f"a message with id {message_id} is already stored")
        self.message_id = message_id


class VersionConflictError(MessageStoreError):
    """The stream was not at the expected version; nothing was written.

    `actual_version` is -1 for a stream with no messages, like `expected_version`.
    """

    PATTERN = re.compile(
        r"Wrong expected version: (?P<expected>-?\d+) "
        r"\(Stream: (?P<stream>.*), Stream Version: (?P<actual>-?\d+)\)"
    )

    def __init__(self, stream_name: str, expected_version: int, actual_version: int) -> None:
        super().__init__(
            f"stream {stream_name} is at version {actual_version}, "
            f"not the expected {expected_version}"
        )
        self.stream_name = stream_name
        self.expected_version = expected_version
        self.actual_version = actual_version

    @classmethod
    def parse(cls, text: str) -> VersionConflictError | None:
        """Read Message DB's error text (the same regular expression its clients use)."""
        match = cls.PATTERN.search(text)
        if match is None:
            return None
        return cls(match["stream"], int(match["expected"]), int(match["actual"]))


class StaleEntityError(VersionConflictError):
    """The stream moved on since this process cached its entity: fetch again and retry.

    Raised instead of a plain VersionConflictError when the expected version came from the
    entity cache; the consumer runs the handler again at once, which fetches fresh state.
    """


class ReadError(MessageStoreError, ValueError):
    """The database refused a read (a category where a stream was due, bad group, ...)."""


class TransactionFailedError(MessageStoreError):
    """A statement in a store transaction failed; the transaction was rolled back."""


class StoreUnavailableError(MessageStoreError, ConnectionError):
    """The database could not be reached; the operation may be retried."""

    def outage(self) -> str:
        """What is unavailable, in one line, as a consumer waiting it out says it."""
        return database_unavailable(self)


def database_unavailable(error: BaseException) -> str:
    """The line a consumer waiting out a lost database says."""
    return f"database unavailable ({first_line(error)})"


def first_line(error: BaseException) -> str:
    """An error in one line (psycopg's connection errors take two, and some a traceback's)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


SCHEMA_HINT = "run: python manage.py migrate --database message_store"
"""The command that installs (or upgrades) the message store's schema."""


class SchemaMissingError(StoreUnavailableError):
    """The database answers but the message store's schema (or part of it) is not installed:
    a deployment step was skipped, so the error says which command to run; the operation may
    be retried once it has run."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the message store schema is not installed or out of date ({SCHEMA_HINT}): {detail}"
        )
