"""What the catalog checks before a video travels further: bad ids never travel.

A video id becomes stream names, file names and URLs; a source becomes a file that ffmpeg and
the speech recogniser open. So a `Catalog` (or a `Started`, which other writers can write too)
whose video id is not a UUID, or whose source is not a name in our media storage, is refused
as malformed when it is read, before any job starts and before the view data shows it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from message_store.contracts import MalformedMessageError
from message_store.messages import Message

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""What `str(uuid.UUID(value))` gives for any form `uuid.UUID` reads: one pattern match, where
parsing and printing cost five (a rebuild checks every video's id)."""
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def require_uuid(message: Message, key: str, value: str) -> None:
    """A UUID in its canonical form (lowercase, hyphenated), so one video has one stream."""
    if _CANONICAL_UUID.fullmatch(value) is None:
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


def is_storage_name(name: object) -> bool:
    """A name our storage holds: what our jobs report. The workshop's transcode answers with a
    URL (a YouTube page), which is no video file of ours."""
    return isinstance(name, str) and bool(name) and _storage_name_problem(name) is None


def _storage_name_problem(name: str) -> str | None:
    if _CONTROL_CHARACTER.search(name):
        return "it contains control characters"
    if "\\" in name:
        return "it contains a backslash"
    if (":" in name and urlsplit(name).scheme) or name.startswith("//"):  # a scheme needs a ":"
        return "it is a URL, and the catalog fetches none"
    if _leaves_the_storage(name):
        return "it is absolute, leaves the storage or names no file"
    return None


def _leaves_the_storage(name: str) -> bool:
    """What Django's `validate_file_name(name, allow_relative_path=True)` refuses, for a name
    without backslashes: no file name (empty, `.` or `..` last), an absolute path, or a `..`
    part. Its pathlib parse costs more than every other check together, and a rebuild checks
    every video's source; tests hold the two to the same answers."""
    return (
        name.rpartition("/")[2] in ("", ".", "..")
        or name.startswith("/")
        or ".." in name.split("/")
    )
