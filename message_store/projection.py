"""A projection folds a stream's messages into an entity: an initial value plus one function
per message type (the workshop's `$init` and handlers). Unknown types leave the entity as is."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from message_store.messages import Message

Entity = TypeVar("Entity")


@dataclass(frozen=True, eq=False)
class Projection(Generic[Entity]):
    """Compared and hashed by identity: the entity cache keys entities by projection."""

    initial: Callable[[], Entity]
    handlers: Mapping[str, Callable[[Entity, Message], Entity]] = field(default_factory=dict)

    def fold(self, messages: Iterable[Message], entity: Entity | None = None) -> Entity:
        state = self.initial() if entity is None else entity
        for message in messages:
            apply = self.handlers.get(message.type)
            if apply is not None:
                state = apply(state, message)
        return state
