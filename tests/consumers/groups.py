"""Controls for healing consumer groups: who holds which slot, and transcode commands to share."""

from __future__ import annotations

from message_store.messages import NewMessage
from message_store.slots import holders
from message_store.store import MessageStore
from transcode import messages as transcode_messages

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


def transcode_command(n: int) -> NewMessage:
    transcode_id = f"7d000000-0000-4000-8000-{n:012d}"
    return NewMessage(
        id=f"7d000000-0000-4000-9000-{n:012d}",
        stream_name=transcode_messages.command_stream(transcode_id),
        type="Transcode",
        data={"transcodeId": transcode_id, "uri": f"uploads/{n}.mp4"},
    )


def outcomes_by_command(store: MessageStore) -> dict[int, int]:
    """Command global position -> how many outcomes were written for it."""
    found: dict[int, int] = {}
    for message in store.read("transcode", batch_size=-1):
        cause = message.metadata["causationMessageGlobalPosition"]
        found[cause] = found.get(cause, 0) + 1
    return found
