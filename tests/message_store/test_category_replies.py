"""`get_category_replies` (ours): the replies of a category addressed to streams of one origin
category, by `correlationStreamName` or, without one, by `originStreamName` (the workshop's
replies), filtered in the database through the `messages_reply` index. Everything else is as
`get_category_messages`, whose own semantics stay Message DB's (the correlation filter ignores
`originStreamName`)."""

from __future__ import annotations

import json

import psycopg
import pytest

from tests.message_store import controls
from tests.message_store.controls import write_raw
from tests.message_store.test_sql_interface import (
    CONSUMER_GROUP_STREAMS,
    global_positions,
    raises_exactly,
    read,
)

CATEGORY = "job"
STREAM = f"{CATEGORY}-1"
REPLIES = "SELECT * FROM message_store.get_category_replies(%s, %s, %s, %s, %s, %s)"
CORRELATED = "SELECT * FROM message_store.get_category_messages(%s, 1, -1, %s)"

METADATA = {
    # n: metadata of the n-th message written to STREAM
    1: {"correlationStreamName": "origin-1", "originStreamName": "origin-1"},  # ours
    2: {"originStreamName": "origin-2"},  # the workshop's
    3: {"originStreamName": "origin-3+x", "traceId": "t"},
    4: {"originStreamName": "originX-4"},  # another category that starts alike
    5: None,
    6: {"traceId": "t"},
    7: {"correlationStreamName": "other-7", "originStreamName": "origin-7"},
    8: {"correlationStreamName": "origin-8", "originStreamName": "other-8"},
    9: {"originStreamName": "origin"},  # a category as the origin
    10: {"originStreamName": 42},
}
ADDRESSED_TO_ORIGIN = [1, 2, 3, 8, 9]


def replies(connection, *, origin="origin", position=1, batch_size=-1, member=None, size=None):
    return read(connection, REPLIES, (CATEGORY, origin, position, batch_size, member, size))


def numbers(rows: list[tuple]) -> list[int]:
    return [json.loads(row[5])["n"] for row in rows]


@pytest.fixture
def written(sql: psycopg.Connection) -> psycopg.Connection:
    for n, metadata in METADATA.items():
        write_raw(sql, n, stream_name=STREAM, data={"n": n}, metadata=metadata)
    write_raw(
        sql,
        20,
        stream_name="elsewhere-1",
        data={"n": 20},
        metadata={"originStreamName": "origin-9"},
    )
    return sql


def test_replies_by_correlation_or_else_by_origin(written):
    assert numbers(replies(written)) == ADDRESSED_TO_ORIGIN


def test_message_dbs_correlation_filter_still_ignores_the_origin(written):
    rows = read(written, CORRELATED, (CATEGORY, "origin"))
    assert numbers(rows) == [1, 8]


def test_position_and_batch_size_as_in_get_category_messages(written):
    assert global_positions(replies(written, position=3, batch_size=2)) == [3, 8]
    assert global_positions(replies(written, position=9)) == [9]
    assert replies(written, position=100) == []
    defaults = read(
        written, "SELECT * FROM message_store.get_category_replies(%s, %s)", (CATEGORY, "origin")
    )
    assert defaults == replies(written)


def test_rows_are_message_store_messages_with_json_text(written):
    [first, *_] = replies(written)
    assert first[:5] == (controls.id_example(1), STREAM, "SomethingHappened", 0, 1)
    assert json.loads(first[6]) == METADATA[1]


@pytest.mark.parametrize("size", [2, 3])
def test_consumer_groups_as_in_get_category_messages(sql, size):
    origin = {"originStreamName": "origin-1"}
    for n, stream in enumerate(CONSUMER_GROUP_STREAMS, start=1):
        write_raw(sql, n, stream_name=stream.replace(controls.CATEGORY, CATEGORY), metadata=origin)
    seen: list[str] = []
    for member in range(size):
        streams = [row[1] for row in replies(sql, member=member, size=size)]
        expected = [
            stream
            for stream in (s.replace(controls.CATEGORY, CATEGORY) for s in CONSUMER_GROUP_STREAMS)
            if controls.consumer_group_member(stream, size) == member
        ]
        assert streams == expected
        seen += streams
    assert len(seen) == len(CONSUMER_GROUP_STREAMS)


@pytest.mark.parametrize(
    ("category", "origin", "member", "size", "text"),
    [
        (STREAM, "origin", None, None, f"Must be a category: {STREAM}"),
        (CATEGORY, "origin-1", None, None, "Origin must be a category (Origin: origin-1)"),
        (CATEGORY, None, None, None, "Origin must be a category (Origin: <NULL>)"),
        (
            CATEGORY,
            "origin",
            1,
            None,
            "Consumer group member and size must be specified "
            "(Consumer Group Member: 1, Consumer Group Size: <NULL>)",
        ),
        (
            CATEGORY,
            "origin",
            0,
            0,
            "Consumer group size must not be less than 1 "
            "(Consumer Group Member: 0, Consumer Group Size: 0)",
        ),
        (
            CATEGORY,
            "origin",
            -1,
            2,
            "Consumer group member must not be less than 0 "
            "(Consumer Group Member: -1, Consumer Group Size: 2)",
        ),
        (
            CATEGORY,
            "origin",
            2,
            2,
            "Consumer group member must be less than the group size "
            "(Consumer Group Member: 2, Consumer Group Size: 2)",
        ),
    ],
)
def test_errors(sql, category, origin, member, size, text):
    raises_exactly(sql, REPLIES, (category, origin, 1, 1000, member, size), text)


def test_a_reply_in_an_open_transaction_is_held_back_with_those_after_it(sql, connect):
    write_raw(sql, 1, stream_name=STREAM, data={"n": 1}, metadata=METADATA[2])
    writer = connect(autocommit=False)
    write_raw(writer, 2, stream_name=f"{CATEGORY}-2", data={"n": 2}, metadata=METADATA[2])
    write_raw(sql, 3, stream_name=f"{CATEGORY}-3", data={"n": 3}, metadata=METADATA[2])

    assert numbers(replies(sql)) == [1]

    writer.commit()
    assert numbers(replies(sql)) == [1, 2, 3]


def test_the_role_may_read_replies(written, connect):
    foreign = connect(user="message_store")
    assert numbers(replies(foreign)) == ADDRESSED_TO_ORIGIN


def test_the_read_is_served_by_the_reply_index(written, connect):
    """Foreign replies are passed over inside the index, not fetched and filtered."""
    for n in range(100, 600):
        write_raw(
            written,
            n,
            stream_name=f"{CATEGORY}-{n}",
            metadata={"originStreamName": f"elsewhere-{n}"},
        )
    written.execute("ANALYZE message_store.messages")
    reader = connect()
    before = index_scans(written)

    assert numbers(replies(reader, batch_size=100)) == ADDRESSED_TO_ORIGIN
    reader.execute("SELECT pg_stat_force_next_flush()")
    reader.close()  # a session reports its statistics when it ends

    assert wait_for_more_index_scans(written, before)


def index_scans(connection: psycopg.Connection) -> int:
    connection.execute("SELECT pg_stat_clear_snapshot()")
    row = connection.execute(
        "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'messages_reply'"
    ).fetchone()
    return row[0]


def wait_for_more_index_scans(connection: psycopg.Connection, before: int) -> bool:
    for _ in range(50):
        if index_scans(connection) > before:
            return True
        connection.execute("SELECT pg_sleep(0.05)")
    return False
