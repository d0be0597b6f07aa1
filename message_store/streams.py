"""Stream names: Message DB's naming rules in Python, and one place to build names.

`category-id`: the category is everything before the first `-`; a name with no `-` is a
category; `catalog:command` is a category with a type; `account-123+456` has cardinal id `123`.
"""

from __future__ import annotations

import re

from message_store.errors import InvalidMessageError

ALL = "$all"
"""Read target meaning every message in the store, in global order."""

_CATEGORY = re.compile(r"^[^\s\-]+$")
_WHITE_SPACE_OR_NUL = re.compile(r"[\s\x00]")


def category(stream_name: str) -> str:
    return stream_name.split("-", 1)[0]


def stream_id(stream_name: str) -> str | None:
    _, separator, rest = stream_name.partition("-")
    return rest if separator else None


def is_category(name: str) -> bool:
    return "-" not in name


def stream_name(category_name: str, *ids: object) -> str:
    """Build `category-id` (several ids make a compound id joined with `+`)."""
    require_category(category_name)
    if not ids or any(str(part) == "" for part in ids):
        raise InvalidMessageError(f"stream of category {category_name!r} needs a non-empty id")
    return f"{category_name}-{'+'.join(str(part) for part in ids)}"


def require_category(name: object) -> str:
    if not isinstance(name, str) or not _CATEGORY.match(name):
        raise InvalidMessageError(
            f"{name!r} is not a category: a non-empty name without '-' or white space"
        )
    return name


def require_stream_name(name: object) -> str:
    """A stream name to write to: `category-id`, both parts non-empty, no white space."""
    if not isinstance(name, str) or not name:
        raise InvalidMessageError(f"stream name must be a non-empty string, not {name!r}")
    if _WHITE_SPACE_OR_NUL.search(name):
        raise InvalidMessageError(f"stream name {name!r} contains white space or NUL")
    head, separator, tail = name.partition("-")
    if not separator or not head or not tail:
        raise InvalidMessageError(
            f"stream name {name!r} must be 'category-id' with a non-empty category and id"
        )
    return name
