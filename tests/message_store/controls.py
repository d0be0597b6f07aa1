"""Controls: example messages and names with fixed ids, and small helpers to write and read them
through the SQL interface exactly as a foreign Message DB client would."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import psycopg

from message_store.messages import NewMessage

CATEGORY = "someCategory"
OTHER_CATEGORY = "otherCategory"


def id_example(n: int = 1) -> str:
    """A fixed, valid UUID: `00000000-0000-4000-8000-00000000000n`."""
    return str(uuid.UUID(f"00000000-0000-4000-8000-{n:012d}"))


def stream_name_example(stream_id: object = "1", *, category: str = CATEGORY) -> str:
    return f"{category}-{stream_id}"


def data_example(**extra: Any) -> dict[str, Any]:
    return {"attribute": "some value", **extra}


def metadata_example(**extra: Any) -> dict[str, Any]:
    return {"traceId": "trace-1", "userId": "user-1", **extra}


def message_example(
    n: int = 1,
    *,
    stream_name: str | None = None,
    type: str = "SomethingHappened",
    data: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> NewMessage:
    return NewMessage(
        id=id_example(n),
        stream_name=stream_name or stream_name_example(),
        type=type,
        data=data_example(n=n) if data is None else data,
        metadata=metadata,
        expected_version=expected_version,
    )


# The SQL interface, called as a Message DB client calls it ----------------------------------

WRITE = "SELECT message_store.write_message(%s, %s, %s, %s::jsonb, %s::jsonb, %s)"


def write_raw(
    connection: psycopg.Connection,
    n: int | None = None,
    *,
    stream_name: str | None = None,
    type: str = "SomethingHappened",
    data: Any = None,
    metadata: Any = None,
    expected_version: int | None = None,
    message_id: str | None = None,
) -> int:
    """Write through `message_store.write_message`; return the stream position it reports."""
    if message_id is None:
        message_id = id_example(n) if n is not None else str(uuid.uuid4())
    row = connection.execute(
        WRITE,
        (
            message_id,
            stream_name or stream_name_example(),
            type,
            json.dumps(data_example() if data is None else data),
            None if metadata is None else json.dumps(metadata),
            expected_version,
        ),
    ).fetchone()
    return row[0]


def count_messages(connection: psycopg.Connection) -> int:
    """Counted on the table itself, not through the functions under test."""
    return connection.execute("SELECT count(*) FROM message_store.messages").fetchone()[0]


def table_rows(connection: psycopg.Connection, where: str = "TRUE", params: tuple = ()) -> list:
    """(global_position, stream_name, position, id) straight from the table, in global order."""
    return connection.execute(
        "SELECT global_position, stream_name, position, id::text FROM message_store.messages "
        f"WHERE {where} ORDER BY global_position",
        params,
    ).fetchall()


# Independent computations of Message DB's naming and hashing rules --------------------------


def hash_64(value: str) -> int:
    """The first 16 hex digits of the MD5 of `value`, as a signed 64-bit integer."""
    return int.from_bytes(hashlib.md5(value.encode()).digest()[:8], "big", signed=True)


def cardinal_id(stream_name: str) -> str | None:
    if "-" not in stream_name:
        return None
    return stream_name[stream_name.index("-") + 1 :].split("+")[0]


def consumer_group_member(stream_name: str, size: int) -> int:
    """Which member of a group of `size` consumers handles the stream (note `abs`)."""
    return abs(hash_64(cardinal_id(stream_name))) % size
