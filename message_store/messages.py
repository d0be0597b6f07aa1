"""The two shapes of a message: `NewMessage` to write, `Message` as read back from the store."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec

from message_store.errors import InvalidMessageError
from message_store.streams import require_stream_name


def new_id() -> str:
    """A fresh message id. Prefer a derived id (`derived_id`) when a retry must not duplicate."""
    return str(uuid.uuid4())


def derived_id(*parts: object) -> str:
    """A UUID that is the same every time for the same parts: idempotent writes and job ids."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "video-catalog:" + "/".join(map(str, parts))))


@dataclass(frozen=True, kw_only=True)
class Message:
    """A stored message. `data` and `metadata` are JSON objects (dicts), never None.

    Other writers may store data that is not an object (null, an array, a scalar): `data` is
    then `{}` or `{"value": ...}` so that readers need no special case, and `data_kind` names
    what was stored ("array", "null", ...), so that a contract can refuse it for what it is.
    """

    id: str
    stream_name: str
    type: str
    position: int
    global_position: int
    data: dict[str, Any]
    metadata: dict[str, Any]
    time: datetime
    data_kind: str = "object"

    @classmethod
    def from_row(cls, row: tuple) -> Message:
        """Build from a `message_store.message` row (data and metadata arrive as JSON text).

        Every consumer and the rebuild read messages through here, so it fills the instance's
        fields directly rather than through the frozen dataclass's `__init__` (which sets
        each one with `object.__setattr__`, a third of the cost): a `Message` has no
        `__post_init__` to miss.
        """
        message_id, stream, message_type, position, global_position, data, metadata, time = row
        data_value = _loads(data)
        message = object.__new__(cls)
        message.__dict__.update(
            id=message_id,
            stream_name=stream,
            type=message_type,
            position=position,
            global_position=global_position,
            data=_json_object(data_value),
            metadata=_json_object(_loads(metadata)),
            time=time if time.tzinfo else time.replace(tzinfo=UTC),
            data_kind=json_kind(data_value),
        )
        return message


_decode = msgspec.json.Decoder().decode


def _loads(text: str | None) -> Any:
    """JSON text as Python values, as `json.loads` gives them.

    msgspec decodes several times faster, and like `json` reads integers of any size exactly;
    for what it refuses and `json` reads (a number beyond the float range, which `json` reads
    as infinity; a lone surrogate escape), `json` decides.
    """
    if text is None:
        return None
    try:
        return _decode(text)
    except msgspec.MsgspecError:
        return json.loads(text)


def _json_object(value: Any) -> dict[str, Any]:
    """Other writers may store null, arrays or scalars: a reader always gets a dict."""
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def json_kind(value: Any) -> str:
    """The JSON type of a decoded value, as PostgreSQL's `jsonb_typeof` names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    for kind, name in ((dict, "object"), (list, "array"), (str, "string")):
        if isinstance(value, kind):
            return name
    return "number"


@dataclass(frozen=True, kw_only=True)
class NewMessage:
    """A message to write. Validated on construction, so a bad one never reaches the database.

    `expected_version` is the stream's version the write requires (-1: the stream is empty);
    None writes whatever the version.
    """

    id: str | uuid.UUID | None = None
    stream_name: str
    type: str
    data: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] | None = None
    expected_version: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", _valid_id(self.id))
        require_stream_name(self.stream_name)
        if not isinstance(self.type, str) or not self.type.strip():
            raise InvalidMessageError(f"message type must be a non-empty string, not {self.type!r}")
        if "\x00" in self.type:
            raise InvalidMessageError(f"message type {self.type!r} contains a NUL character")
        _require_json_object("data", self.data)
        if self.metadata is not None:
            _require_json_object("metadata", self.metadata)
        version = self.expected_version
        if version is not None and (
            isinstance(version, bool) or not isinstance(version, int) or version < -1
        ):
            raise InvalidMessageError(
                f"expected_version must be an integer >= -1 or None, not {version!r}"
            )

    @property
    def data_json(self) -> str:
        return _dumps("data", self.data)

    @property
    def metadata_json(self) -> str | None:
        return None if self.metadata is None else _dumps("metadata", self.metadata)


def _valid_id(value: object) -> str:
    if value is None or value == "":
        raise InvalidMessageError("message has no id: every message needs a UUID id")
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise InvalidMessageError(f"message id must be a UUID, not {value!r}")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidMessageError(f"message id {value!r} is not a UUID") from None


def _require_json_object(name: str, value: object) -> None:
    if not isinstance(value, Mapping):
        raise InvalidMessageError(
            f"message {name} must be a JSON object, not {type(value).__name__}"
        )
    text = _dumps(name, value)
    if "\\u0000" in text and _contains_nul(value):  # JSON escapes NUL: no escape, no NUL
        raise InvalidMessageError(
            f"message {name} contains a NUL character (\\u0000), which PostgreSQL cannot store"
        )


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(item) for item in value)
    return False


def _dumps(name: str, value: Mapping[str, Any]) -> str:
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise InvalidMessageError(f"message {name} is not serializable as JSON: {error}") from None
