"""Controls for healing consumer groups: who holds which slot, and what their work produced."""

from __future__ import annotations

from message_store.slots import holders
from message_store.store import MessageStore

GROUP = "transcode"
SIMULATED = {"SIMULATED_MEDIA": "true"}


def slot_holders(store: MessageStore, size: int, group: str = GROUP) -> dict[int, int]:
    """Slot -> the server process id of the session holding it, for a healing group."""
    with store.connection() as connection:
        return holders(connection, group, size)


def shares(store: MessageStore, size: int, group: str = GROUP) -> list[int]:
    """How many slots each holder has, largest first (e.g. [2, 2])."""
    held = slot_holders(store, size, group)
    return sorted((list(held.values()).count(pid) for pid in set(held.values())), reverse=True)


def outcomes_by_command(store: MessageStore) -> dict[int, int]:
    """Command global position -> how many outcomes were written for it."""
    found: dict[int, int] = {}
    for message in store.read("transcode", batch_size=-1):
        cause = message.metadata["causationMessageGlobalPosition"]
        found[cause] = found.get(cause, 0) + 1
    return found
