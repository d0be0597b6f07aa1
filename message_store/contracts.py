"""Typed message bodies: snake_case dataclasses in Python, camelCase JSON objects in the store.

This is the one place where keys change case. `parse` never trusts what it reads: a missing key
or a value of the wrong type (from another language, an old version, a typo) raises
`MalformedMessageError` naming the problem, which a consumer parks instead of crashing.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from typing import Any, ClassVar, Self

from message_store.errors import MessageStoreError
from message_store.messages import Message

_CAMEL_BOUNDARY = re.compile(r"_([a-z0-9])")
_NON_EMPTY_SUFFIXES = ("_id", "_uri")
_NON_EMPTY_NAMES = ("uri",)
"""Identifiers and file names must not be empty; free text (a transcript, a title) may be."""


class MalformedMessageError(MessageStoreError, ValueError):
    """A stored message's data does not match its type's contract."""


def camel_case(name: str) -> str:
    return _CAMEL_BOUNDARY.sub(lambda match: match.group(1).upper(), name)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageData:
    """Base of every message body. The message type is the class name."""

    type_name: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.type_name = cls.__name__

    def to_data(self) -> dict[str, Any]:
        return {spec.key: getattr(self, spec.name) for spec in _fields(type(self))}

    @classmethod
    def parse(cls, message: Message) -> Self:
        """Read and check `message.data` against this contract."""
        if message.data_kind != "object":
            raise MalformedMessageError(
                f"{message.type} {message.id}: data is not an object (JSON {message.data_kind})"
            )
        data = message.data
        values: dict[str, Any] = {}
        for spec in _fields(cls):
            if spec.key not in data:
                if spec.optional:
                    continue
                raise MalformedMessageError(
                    f"{message.type} {message.id}: data has no {spec.key!r}"
                )
            value = _checked(message, spec.key, data[spec.key], spec.allowed)
            if value == "" and spec.non_empty:
                raise MalformedMessageError(f"{message.type} {message.id}: {spec.key!r} is empty")
            values[spec.name] = value
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class _Field:
    """What `parse` needs to know of a field, worked out once per class."""

    name: str
    key: str
    optional: bool
    allowed: tuple[Any, ...]
    non_empty: bool


@functools.cache
def _fields(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        _Field(
            name=field.name,
            key=camel_case(field.name),
            optional=field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING,
            allowed=typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,),
            non_empty=field.name.endswith(_NON_EMPTY_SUFFIXES) or field.name in _NON_EMPTY_NAMES,
        )
        for field in dataclasses.fields(cls)
        for hint in (hints[field.name],)
    )


def _checked(message: Message, key: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    if value is None and type(None) in allowed:
        return None
    for kind in allowed:
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind in (str, bool, dict, list) and isinstance(value, kind):
            return value
    expected = " or ".join(getattr(kind, "__name__", str(kind)) for kind in allowed)
    raise MalformedMessageError(
        f"{message.type} {message.id}: {key!r} must be a {expected}, not {value!r}"
    )
