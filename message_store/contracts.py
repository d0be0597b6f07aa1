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
        shape = _shape(cls)
        values: dict[str, Any] = {}
        for spec in shape.fields:
            if spec.key not in data:
                if spec.optional:
                    continue
                raise MalformedMessageError(
                    f"{message.type} {message.id}: data has no {spec.key!r}"
                )
            value = data[spec.key]
            kind = type(value)
            if kind in spec.kept:
                if kind is int and spec.kept[int] is float:
                    value = float(value)
            else:  # the rare case (a subclass, a wrong type) takes the general path
                value = _checked(message, spec.key, value, spec.allowed)
            if value == "" and spec.non_empty:
                raise MalformedMessageError(f"{message.type} {message.id}: {spec.key!r} is empty")
            values[spec.name] = value
        return shape.build(values)


@dataclasses.dataclass(frozen=True)
class _Field:
    """What `parse` needs to know of a field, worked out once per class."""

    name: str
    key: str
    optional: bool
    allowed: tuple[Any, ...]
    non_empty: bool
    kept: dict[type, type | None]
    """The exact JSON value types `_checked` accepts as they are, or turns into a float (an
    integer where a float is expected): the common case, checked by one lookup."""


@dataclasses.dataclass(frozen=True)
class _Shape:
    """A contract's fields, and how to build an instance from checked values."""

    cls: type
    fields: tuple[_Field, ...]
    defaults: dict[str, Any]
    factories: tuple[tuple[str, Any], ...]

    def build(self, values: dict[str, Any]) -> Any:
        """The instance, its fields set directly (a frozen dataclass's `__init__` sets each with
        `object.__setattr__`, most of the cost of a parse): only for contracts without
        `__post_init__`, which the checked values cannot miss."""
        if self.defaults is None:
            return self.cls(**values)
        instance = object.__new__(self.cls)
        state = instance.__dict__
        state.update(self.defaults)
        for name, factory in self.factories:
            if name not in values:
                state[name] = factory()
        state.update(values)
        return instance


def _fields(cls: type) -> tuple[_Field, ...]:
    return _shape(cls).fields


@functools.cache
def _shape(cls: type) -> _Shape:
    hints = typing.get_type_hints(cls)
    fields = tuple(
        _Field(
            name=field.name,
            key=camel_case(field.name),
            optional=field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING,
            allowed=allowed,
            non_empty=field.name.endswith(_NON_EMPTY_SUFFIXES) or field.name in _NON_EMPTY_NAMES,
            kept=_kept(allowed),
        )
        for field in dataclasses.fields(cls)
        for hint in (hints[field.name],)
        for allowed in (typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,),)
    )
    if hasattr(cls, "__post_init__"):
        return _Shape(cls, fields, None, ())
    defaults = {
        field.name: field.default
        for field in dataclasses.fields(cls)
        if field.default is not dataclasses.MISSING
    }
    factories = tuple(
        (field.name, field.default_factory)
        for field in dataclasses.fields(cls)
        if field.default_factory is not dataclasses.MISSING
    )
    return _Shape(cls, fields, defaults, factories)


def _kept(allowed: tuple[Any, ...]) -> dict[type, type | None]:
    """For each exact type of a decoded JSON value, what `_checked` does with it when it is
    allowed: keep it (None) or make it a float; in `allowed`'s order, as `_checked` tries."""
    kept: dict[type, type | None] = {}
    for kind in allowed:
        if kind is float:
            kept.setdefault(float, None)
            kept.setdefault(int, float)
        elif kind in (int, str, bool, dict, list, type(None)):
            kept.setdefault(kind, None)
    return kept


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
