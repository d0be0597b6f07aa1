"""What the catalog checks before a video travels further: bad ids never travel.

A video id becomes stream names, file names and URLs; a source becomes a file that ffmpeg and
the speech recogniser open. So a `Catalog` (or a `Started`, which other writers can write too)
whose video id is not a UUID, or whose source is not a name in our media storage, is refused
as malformed when it is read, before any job starts and before the view data shows it.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.utils import validate_file_name

from message_store.contracts import MalformedMessageError
from message_store.messages import Message


def require_uuid(message: Message, key: str, value: str) -> None:
    """A UUID in its canonical form (lowercase, hyphenated), so one video has one stream."""
    try:
        canonical = str(uuid.UUID(value))
    except ValueError:
        canonical = None
    if canonical != value:
        raise MalformedMessageError(
            f"{message.type} {message.id}: {key!r} {value!r} is not a UUID"
            " (lowercase, with hyphens)"
        )


def require_storage_name(message: Message, key: str, value: str) -> None:
    """A relative name inside our media storage: no URL (we fetch none), no absolute path,
    no `..`, no backslash or control character."""
    problem = _storage_name_problem(value)
    if problem is not None:
        raise MalformedMessageError(
            f"{message.type} {message.id}: {key!r} {value!r} is not a storage name of ours"
            f" ({problem})"
        )


def _storage_name_problem(name: str) -> str | None:
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return "it contains control characters"
    if "\\" in name:
        return "it contains a backslash"
    if urlsplit(name).scheme or name.startswith("//"):
        return "it is a URL, and the catalog fetches none"
    try:
        validate_file_name(name, allow_relative_path=True)
    except SuspiciousFileOperation:
        return "it is absolute, leaves the storage or names no file"
    return None
