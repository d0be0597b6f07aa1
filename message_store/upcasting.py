"""Upcasting: the older shapes of a message turned into today's at the moment it is read.

Stored messages are never rewritten for a change of shape. Instead each component keeps, next to
the contract it serves (its `upcasters.py` beside `messages.py`), a chain of small steps per
message type, oldest first, each named after the change it makes. A step leaves alone a message
it does not concern, so a message of today's shape goes through its chain unchanged, and a type
with no chain (a command added later) passes through untouched. Handlers and projections only
ever see the result; the stored message, and what a consumer parks, stay as written. A step that
meets a shape it cannot understand raises `MalformedMessageError`, and the consumer parks the
message with that reason instead of guessing.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from message_store.messages import Message
from message_store.projection import Projection

Step = Callable[[Message], Message]
"""One change of shape: returns the message in the next shape, or as it is if not concerned."""

Function = TypeVar("Function", bound=Callable[..., Any])
Entity = TypeVar("Entity")


@dataclass(frozen=True)
class Upcaster:
    """The chains of steps of one contract, by message type."""

    chains: Mapping[str, Sequence[Step]] = field(default_factory=dict)

    def __call__(self, message: Message) -> Message:
        for step in self.chains.get(message.type, ()):
            message = step(message)
        return message

    def before(self, functions: Mapping[str, Function]) -> dict[str, Function]:
        """Functions called with a message first (subscription handlers, view projectors),
        each made to see the message in today's shape."""
        return {kind: self._applied_to(function) for kind, function in functions.items()}

    def projection(self, projection: Projection[Entity]) -> Projection[Entity]:
        """The same projection, folding messages in today's shape."""

        def applied(apply: Callable[[Entity, Message], Entity]):
            return lambda entity, message: apply(entity, self(message))

        return Projection(
            initial=projection.initial,
            handlers={kind: applied(apply) for kind, apply in projection.handlers.items()},
        )

    def _applied_to(self, function: Function) -> Function:
        @functools.wraps(function)
        def upcast_first(message: Message, *args: Any, **kwargs: Any) -> Any:
            return function(self(message), *args, **kwargs)

        return upcast_first  # type: ignore[return-value]


# Building steps --------------------------------------------------------------------------------


def with_data(message: Message, data: Mapping[str, Any]) -> Message:
    return dataclasses.replace(message, data=dict(data))


def with_metadata(message: Message, metadata: Mapping[str, Any]) -> Message:
    return dataclasses.replace(message, metadata=dict(metadata))


def renamed(old: str, new: str, *, null: Any = None) -> Step:
    """A step that moves data key `old` to `new` when only `old` is there; `null` replaces a
    null value (for a field that may no longer be null)."""

    def step(message: Message) -> Message:
        if old not in message.data or new in message.data:
            return message
        data = {key: value for key, value in message.data.items() if key != old}
        value = message.data[old]
        data[new] = null if value is None else value
        return with_data(message, data)

    step.__name__ = f"{_snake(old)}_is_{_snake(new)}"
    step.__doc__ = f"Data key {old!r} is now {new!r}."
    return step


def origin_is_the_correlation(message: Message) -> Message:
    """The workshop routes replies by `originStreamName` alone; we also write Message DB's
    `correlationStreamName`, which our metadata carries over (`metadata.follow`)."""
    origin = message.metadata.get("originStreamName")
    if not isinstance(origin, str) or "correlationStreamName" in message.metadata:
        return message
    return with_metadata(message, {**message.metadata, "correlationStreamName": origin})


def _snake(name: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in name)
