"""The SQL interface is Message DB 1.3's, fact by fact (docs/message-db-interface.md).

Every test calls the `message_store` functions directly on a raw connection, as a client in any
language would, and checks return values and the exact error texts that clients parse. Names,
hashes and consumer groups are checked against independent Python computations (controls).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import psycopg
import psycopg.errors
import pytest

from tests.message_store import controls
from tests.message_store.controls import (
    CATEGORY,
    count_messages,
    id_example,
    stream_name_example,
    write_raw,
)

STREAM = stream_name_example("1")
OTHER_STREAM = stream_name_example("2")


def raises_exactly(connection: psycopg.Connection, query: str, params: tuple, text: str) -> None:
    """The query fails with a RAISE EXCEPTION whose primary message is exactly `text`."""
    with pytest.raises(psycopg.errors.RaiseException) as caught:
        connection.execute(query, params)
    assert caught.value.diag.message_primary == text


def read(connection: psycopg.Connection, query: str, params: tuple = ()) -> list[tuple]:
    return connection.execute(query, params).fetchall()


def positions(rows: list[tuple]) -> list[int]:
    return [row[3] for row in rows]


def global_positions(rows: list[tuple]) -> list[int]:
    return [row[4] for row in rows]


def insert_many(connection: psycopg.Connection, stream_name: str, count: int) -> None:
    """Bulk rows straight into the table (fast setup for batch-size defaults)."""
    connection.execute(
        "INSERT INTO message_store.messages (stream_name, position, type, data) "
        "SELECT %s, n - 1, 'Bulk', '{}' FROM generate_series(1, %s) AS n",
        (stream_name, count),
    )


# Schema --------------------------------------------------------------------------------------


def test_table_has_the_documented_columns(sql):
    columns = read(
        sql,
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'message_store' AND table_name = 'messages' "
        "ORDER BY ordinal_position",
    )
    assert columns == [
        ("global_position", "bigint"),
        ("position", "bigint"),
        ("time", "timestamp without time zone"),
        ("stream_name", "text"),
        ("type", "text"),
        ("data", "jsonb"),
        ("metadata", "jsonb"),
        ("id", "uuid"),
    ]


def test_message_type_has_the_documented_fields_in_order(sql):
    fields = read(
        sql,
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'message_store.message'::regclass AND attnum > 0 ORDER BY attnum",
    )
    assert fields == [
        ("id", "character varying"),
        ("stream_name", "character varying"),
        ("type", "character varying"),
        ("position", "bigint"),
        ("global_position", "bigint"),
        ("data", "character varying"),
        ("metadata", "character varying"),
        ("time", "timestamp without time zone"),
    ]


@pytest.mark.parametrize(
    ("function", "arguments", "result"),
    [
        (
            "write_message",
            "id character varying, stream_name character varying, type character varying, "
            "data jsonb, metadata jsonb DEFAULT NULL::jsonb, "
            "expected_version bigint DEFAULT NULL::bigint",
            "bigint",
        ),
        (
            "get_stream_messages",
            'stream_name character varying, "position" bigint DEFAULT 0, '
            "batch_size bigint DEFAULT 1000, "
            "condition character varying DEFAULT NULL::character varying",
            "SETOF message_store.message",
        ),
        (
            "get_category_messages",
            'category character varying, "position" bigint DEFAULT 1, '
            "batch_size bigint DEFAULT 1000, "
            "correlation character varying DEFAULT NULL::character varying, "
            "consumer_group_member bigint DEFAULT NULL::bigint, "
            "consumer_group_size bigint DEFAULT NULL::bigint, "
            "condition character varying DEFAULT NULL::character varying",
            "SETOF message_store.message",
        ),
        (
            "get_last_stream_message",
            "stream_name character varying, type character varying DEFAULT NULL::character varying",
            "SETOF message_store.message",
        ),
        ("stream_version", "stream_name character varying", "bigint"),
        ("category", "stream_name character varying", "character varying"),
        ("id", "stream_name character varying", "character varying"),
        ("cardinal_id", "stream_name character varying", "character varying"),
        ("is_category", "stream_name character varying", "boolean"),
        ("hash_64", "value character varying", "bigint"),
        ("acquire_lock", "stream_name character varying", "bigint"),
        ("message_store_version", "", "character varying"),
        (
            "get_all_messages",
            '"position" bigint DEFAULT 1, batch_size bigint DEFAULT 1000, '
            "condition character varying DEFAULT NULL::character varying",
            "SETOF message_store.message",
        ),
    ],
)
def test_function_signatures_are_message_dbs(sql, function, arguments, result):
    signatures = read(
        sql,
        "SELECT pg_get_function_arguments(p.oid), pg_get_function_result(p.oid) "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'message_store' AND p.proname = %s",
        (function,),
    )
    assert signatures == [(arguments, result)]


def test_reads_return_data_and_metadata_as_json_text(sql):
    data = {"number": 1, "nested": {"list": [1, "two", None]}}
    metadata = {"correlationStreamName": "origin-1"}
    write_raw(sql, 1, stream_name=STREAM, data=data, metadata=metadata)
    queries = [
        ("SELECT * FROM message_store.get_stream_messages(%s)", (STREAM,)),
        ("SELECT * FROM message_store.get_category_messages(%s)", (CATEGORY,)),
        ("SELECT * FROM message_store.get_last_stream_message(%s)", (STREAM,)),
        ("SELECT * FROM message_store.get_all_messages()", ()),
    ]
    for query, params in queries:
        cursor = sql.execute(query, params)
        [row] = cursor.fetchall()
        assert [column.type_code for column in cursor.description[5:7]] == [1043, 1043]
        assert isinstance(row[5], str)
        assert isinstance(row[6], str)
        assert json.loads(row[5]) == data
        assert json.loads(row[6]) == metadata
        assert row[0] == id_example(1)
        assert row[1:5] == (STREAM, "SomethingHappened", 0, 1)


def test_stream_name_and_position_are_unique(sql):
    write_raw(sql, 1, stream_name=STREAM)
    with pytest.raises(psycopg.errors.UniqueViolation) as caught:
        sql.execute(
            "INSERT INTO message_store.messages (stream_name, position, type, data) "
            "VALUES (%s, 0, 'Sneaky', '{}')",
            (STREAM,),
        )
    assert caught.value.diag.constraint_name == "messages_stream"


def test_time_is_utc_without_time_zone_whatever_the_session_time_zone(sql):
    sql.execute("SET TIME ZONE 'Pacific/Kiritimati'")  # UTC+14
    write_raw(sql, 1, stream_name=STREAM)
    [(stored,)] = read(sql, "SELECT time FROM message_store.messages")
    assert stored.tzinfo is None
    utc_now = datetime.now(UTC).replace(tzinfo=None)
    assert abs(utc_now - stored) < timedelta(minutes=1)
    [row] = read(sql, "SELECT * FROM message_store.get_stream_messages(%s)", (STREAM,))
    assert row[7] == stored


def test_message_store_version_reports_ours(sql):
    [(version,)] = read(sql, "SELECT message_store.message_store_version()")
    assert version.startswith("1.3.0")
    assert version != "1.3.0"


# The role ------------------------------------------------------------------------------------


def test_role_message_store_exists_and_may_log_in(sql):
    rows = read(sql, "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'message_store'")
    assert rows == [(True,)]


@pytest.mark.parametrize(
    ("privilege", "granted"),
    [
        ("SELECT", True),
        ("INSERT", True),
        ("UPDATE", False),
        ("DELETE", False),
        ("TRUNCATE", False),
        ("REFERENCES", False),
        ("TRIGGER", False),
    ],
)
def test_role_message_store_may_only_read_and_append(sql, privilege, granted):
    rows = read(
        sql,
        "SELECT has_table_privilege('message_store', 'message_store.messages', %s)",
        (privilege,),
    )
    assert rows == [(granted,)]


def test_role_message_store_may_execute_every_function_but_erasure_and_not_create(sql):
    rows = read(
        sql,
        "SELECT p.oid::regprocedure::text, has_function_privilege('message_store', p.oid, "
        "'EXECUTE') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'message_store'",
    )
    assert len(rows) >= 13
    refused = [name for name, allowed in rows if not allowed]
    assert refused == ["message_store.erase_stream(character varying,character varying[])"]
    [(may_create,)] = read(
        sql, "SELECT has_schema_privilege('message_store', 'message_store', 'CREATE')"
    )
    assert may_create is False


# write_message -------------------------------------------------------------------------------


def test_write_message_returns_the_stream_position(sql):
    assert [write_raw(sql, n, stream_name=STREAM) for n in (1, 2, 3)] == [0, 1, 2]
    assert write_raw(sql, 4, stream_name=OTHER_STREAM) == 0
    assert write_raw(sql, 5, stream_name=STREAM) == 3


def test_stream_positions_have_no_gaps_after_failed_writes(sql):
    write_raw(sql, 1, stream_name=STREAM)
    with pytest.raises(psycopg.errors.RaiseException):
        write_raw(sql, 2, stream_name=STREAM, expected_version=7)
    with pytest.raises(psycopg.errors.UniqueViolation):
        write_raw(sql, 1, stream_name=STREAM)
    assert write_raw(sql, 3, stream_name=STREAM) == 1
    rows = controls.table_rows(sql)
    assert [row[2] for row in rows] == [0, 1]


def test_write_message_metadata_and_expected_version_default_to_null(sql):
    [(position,)] = read(
        sql,
        "SELECT message_store.write_message(%s, %s, 'Defaulted', '{\"a\": 1}')",
        (id_example(1), STREAM),
    )
    [row] = read(sql, "SELECT * FROM message_store.get_stream_messages(%s)", (STREAM,))
    assert position == 0
    assert row[6] is None
    assert json.loads(row[5]) == {"a": 1}


def test_expected_version_that_matches_writes(sql):
    assert write_raw(sql, 1, stream_name=STREAM, expected_version=-1) == 0
    assert write_raw(sql, 2, stream_name=STREAM, expected_version=0) == 1
    assert write_raw(sql, 3, stream_name=STREAM, expected_version=1) == 2


def test_expected_version_that_differs_fails_with_message_dbs_text(sql):
    write_raw(sql, 1, stream_name=STREAM)
    write_raw(sql, 2, stream_name=STREAM)
    with pytest.raises(psycopg.errors.RaiseException) as caught:
        write_raw(sql, 3, stream_name=STREAM, expected_version=5)
    assert (
        caught.value.diag.message_primary
        == f"Wrong expected version: 5 (Stream: {STREAM}, Stream Version: 1)"
    )
    assert count_messages(sql) == 2


def test_expected_version_minus_one_fails_on_a_stream_with_messages(sql):
    write_raw(sql, 1, stream_name=STREAM)
    with pytest.raises(psycopg.errors.RaiseException) as caught:
        write_raw(sql, 2, stream_name=STREAM, expected_version=-1)
    assert (
        caught.value.diag.message_primary
        == f"Wrong expected version: -1 (Stream: {STREAM}, Stream Version: 0)"
    )


def test_expected_version_zero_fails_on_a_new_stream(sql):
    with pytest.raises(psycopg.errors.RaiseException) as caught:
        write_raw(sql, 1, stream_name=STREAM, expected_version=0)
    assert (
        caught.value.diag.message_primary
        == f"Wrong expected version: 0 (Stream: {STREAM}, Stream Version: -1)"
    )
    assert count_messages(sql) == 0


def test_expected_version_is_per_stream(sql):
    write_raw(sql, 1, stream_name=STREAM)
    write_raw(sql, 2, stream_name=STREAM)
    assert write_raw(sql, 3, stream_name=OTHER_STREAM, expected_version=-1) == 0


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "12345678-1234-1234-1234-12345678901"])
def test_an_id_that_is_not_a_uuid_fails(sql, bad_id):
    with pytest.raises(psycopg.errors.InvalidTextRepresentation) as caught:
        write_raw(sql, stream_name=STREAM, message_id=bad_id)
    assert "uuid" in caught.value.diag.message_primary
    assert count_messages(sql) == 0


def test_a_duplicate_id_fails_on_the_unique_index(sql):
    write_raw(sql, 1, stream_name=STREAM)
    with pytest.raises(psycopg.errors.UniqueViolation) as caught:
        write_raw(sql, stream_name=OTHER_STREAM, message_id=id_example(1).upper())
    assert caught.value.diag.constraint_name == "messages_id"
    assert count_messages(sql) == 1


# get_stream_messages -------------------------------------------------------------------------


def test_get_stream_messages_reads_one_stream_in_position_order(sql):
    for n, stream in enumerate([STREAM, OTHER_STREAM, STREAM, f"{STREAM}0", f"{STREAM}+x", STREAM]):
        write_raw(sql, n + 1, stream_name=stream, type=f"T{n}")
    rows = read(sql, "SELECT * FROM message_store.get_stream_messages(%s)", (STREAM,))
    assert positions(rows) == [0, 1, 2]
    assert [row[2] for row in rows] == ["T0", "T2", "T5"]
    assert {row[1] for row in rows} == {STREAM}


def test_get_stream_messages_from_a_position_with_a_batch_size(sql):
    for n in range(1, 7):
        write_raw(sql, n, stream_name=STREAM)
    query = "SELECT * FROM message_store.get_stream_messages(%s, %s, %s)"
    assert positions(read(sql, query, (STREAM, 2, 3))) == [2, 3, 4]
    assert positions(read(sql, query, (STREAM, 4, 1000))) == [4, 5]
    assert positions(read(sql, query, (STREAM, 6, 1000))) == []
    assert positions(read(sql, query, (STREAM, 1, -1))) == [1, 2, 3, 4, 5]


def test_get_stream_messages_defaults_to_position_0_and_1000_messages(sql):
    insert_many(sql, STREAM, 1001)
    rows = read(sql, "SELECT * FROM message_store.get_stream_messages(%s)", (STREAM,))
    assert len(rows) == 1000
    assert rows[0][3] == 0
    unlimited = read(sql, "SELECT * FROM message_store.get_stream_messages(%s, 0, -1)", (STREAM,))
    assert len(unlimited) == 1001


def test_get_stream_messages_refuses_a_category(sql):
    raises_exactly(
        sql,
        "SELECT * FROM message_store.get_stream_messages(%s)",
        (CATEGORY,),
        f"Must be a stream name: {CATEGORY}",
    )


# get_category_messages -----------------------------------------------------------------------


def test_get_category_messages_reads_every_stream_of_the_category_in_global_order(sql):
    streams = [STREAM, "otherCategory-1", OTHER_STREAM, f"{CATEGORY}X-1", f"{CATEGORY}:x-1", STREAM]
    for n, stream in enumerate(streams, start=1):
        write_raw(sql, n, stream_name=stream)
    rows = read(sql, "SELECT * FROM message_store.get_category_messages(%s)", (CATEGORY,))
    assert [(row[1], row[4]) for row in rows] == [(STREAM, 1), (OTHER_STREAM, 3), (STREAM, 6)]


def test_get_category_messages_of_a_category_with_a_type(sql):
    write_raw(sql, 1, stream_name="catalog:command-42")
    write_raw(sql, 2, stream_name="catalog-42")
    rows = read(sql, "SELECT * FROM message_store.get_category_messages('catalog:command')")
    assert [row[1] for row in rows] == ["catalog:command-42"]


def test_get_category_messages_from_a_global_position_with_a_batch_size(sql):
    for n in range(1, 7):
        write_raw(sql, n, stream_name=stream_name_example(n % 2))
    query = "SELECT * FROM message_store.get_category_messages(%s, %s, %s)"
    assert global_positions(read(sql, query, (CATEGORY, 2, 3))) == [2, 3, 4]
    assert global_positions(read(sql, query, (CATEGORY, 5, 1000))) == [5, 6]
    assert global_positions(read(sql, query, (CATEGORY, 7, 1000))) == []
    assert global_positions(read(sql, query, (CATEGORY, 0, -1))) == [1, 2, 3, 4, 5, 6]


def test_get_category_messages_defaults_to_position_1_and_1000_messages(sql):
    insert_many(sql, STREAM, 1001)
    rows = read(sql, "SELECT * FROM message_store.get_category_messages(%s)", (CATEGORY,))
    assert len(rows) == 1000
    assert rows[0][4] == 1
    unlimited = read(
        sql, "SELECT * FROM message_store.get_category_messages(%s, 1, -1)", (CATEGORY,)
    )
    assert len(unlimited) == 1001


def test_get_category_messages_refuses_a_stream_name(sql):
    raises_exactly(
        sql,
        "SELECT * FROM message_store.get_category_messages(%s)",
        (STREAM,),
        f"Must be a category: {STREAM}",
    )


def test_correlation_keeps_messages_whose_correlation_stream_has_that_category(sql):
    correlations = ["origin-1", "origin-2+x", "originX-1", "origin", None, "other-1"]
    for n, correlation in enumerate(correlations, start=1):
        metadata = None if correlation is None else {"correlationStreamName": correlation}
        write_raw(sql, n, stream_name=STREAM, metadata=metadata)
    write_raw(sql, 10, stream_name="elsewhere-1", metadata={"correlationStreamName": "origin-9"})
    rows = read(
        sql,
        "SELECT * FROM message_store.get_category_messages(%s, 1, 1000, 'origin')",
        (CATEGORY,),
    )
    assert [json.loads(row[6])["correlationStreamName"] for row in rows] == [
        "origin-1",
        "origin-2+x",
        "origin",
    ]


def test_correlation_must_be_a_category(sql):
    raises_exactly(
        sql,
        "SELECT * FROM message_store.get_category_messages(%s, 1, 1000, %s)",
        (CATEGORY, "origin-1"),
        "Correlation must be a category (Correlation: origin-1)",
    )


CONSUMER_GROUP_STREAMS = [
    stream_name_example(stream_id)
    for stream_id in [
        *range(1, 25),
        "123+456",
        "123+789",
        "123",
        "abc+1",
        "abc+2",
    ]
]


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_consumer_group_membership_follows_hash_64_of_the_cardinal_id(sql, size):
    for n, stream in enumerate(CONSUMER_GROUP_STREAMS, start=1):
        write_raw(sql, n, stream_name=stream)
    query = "SELECT * FROM message_store.get_category_messages(%s, 1, -1, NULL, %s, %s)"
    seen: list[str] = []
    for member in range(size):
        streams = [row[1] for row in read(sql, query, (CATEGORY, member, size))]
        expected = [
            stream
            for stream in CONSUMER_GROUP_STREAMS
            if controls.consumer_group_member(stream, size) == member
        ]
        assert streams == expected
        seen.extend(streams)
    assert sorted(seen) == sorted(CONSUMER_GROUP_STREAMS)


def test_consumer_group_examples_exercise_negative_hashes_and_compound_ids():
    """Guards the test above: its streams include what a wrong formula would get wrong."""
    cardinals = [controls.cardinal_id(stream) for stream in CONSUMER_GROUP_STREAMS]
    assert any(controls.hash_64(cardinal) < 0 for cardinal in cardinals)
    assert any(
        controls.hash_64(cardinal) % 3 != abs(controls.hash_64(cardinal)) % 3
        for cardinal in cardinals
    )
    assert controls.consumer_group_member(stream_name_example("123+456"), 5) == (
        controls.consumer_group_member(stream_name_example("123"), 5)
    )
    members = {controls.consumer_group_member(stream, 5) for stream in CONSUMER_GROUP_STREAMS}
    assert members == {0, 1, 2, 3, 4}


@pytest.mark.parametrize(
    ("member", "size", "text"),
    [
        (
            1,
            None,
            "Consumer group member and size must be specified "
            "(Consumer Group Member: 1, Consumer Group Size: <NULL>)",
        ),
        (
            None,
            2,
            "Consumer group member and size must be specified "
            "(Consumer Group Member: <NULL>, Consumer Group Size: 2)",
        ),
        (
            0,
            0,
            "Consumer group size must not be less than 1 "
            "(Consumer Group Member: 0, Consumer Group Size: 0)",
        ),
        (
            -1,
            2,
            "Consumer group member must not be less than 0 "
            "(Consumer Group Member: -1, Consumer Group Size: 2)",
        ),
        (
            2,
            2,
            "Consumer group member must be less than the group size "
            "(Consumer Group Member: 2, Consumer Group Size: 2)",
        ),
    ],
)
def test_consumer_group_errors(sql, member, size, text):
    raises_exactly(
        sql,
        "SELECT * FROM message_store.get_category_messages(%s, 1, 1000, NULL, %s, %s)",
        (CATEGORY, member, size),
        text,
    )


# get_last_stream_message and stream_version --------------------------------------------------


def test_get_last_stream_message_with_and_without_a_type(sql):
    for n, message_type in enumerate(["A", "B", "A", "C"], start=1):
        write_raw(sql, n, stream_name=STREAM, type=message_type)
    write_raw(sql, 9, stream_name=OTHER_STREAM, type="A")
    query = "SELECT * FROM message_store.get_last_stream_message(%s, %s)"
    assert [(row[2], row[3]) for row in read(sql, query, (STREAM, None))] == [("C", 3)]
    assert [(row[2], row[3]) for row in read(sql, query, (STREAM, "A"))] == [("A", 2)]
    assert read(sql, query, (STREAM, "Z")) == []
    [last] = read(sql, "SELECT * FROM message_store.get_last_stream_message(%s)", (STREAM,))
    assert last[0] == id_example(4)


def test_get_last_stream_message_of_an_empty_stream_is_no_row(sql):
    write_raw(sql, 1, stream_name=OTHER_STREAM)
    assert read(sql, "SELECT * FROM message_store.get_last_stream_message(%s)", (STREAM,)) == []


def test_stream_version_is_null_for_an_empty_stream_and_the_last_position_otherwise(sql):
    query = "SELECT message_store.stream_version(%s)"
    assert read(sql, query, (STREAM,)) == [(None,)]
    for n in (1, 2, 3):
        write_raw(sql, n, stream_name=STREAM)
    assert read(sql, query, (STREAM,)) == [(2,)]
    assert read(sql, query, (OTHER_STREAM,)) == [(None,)]


# Names and hashing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "category", "stream_id", "cardinal_id", "is_category"),
    [
        ("catalog:command-42", "catalog:command", "42", "42", False),
        ("account-123+456", "account", "123+456", "123", False),
        ("account-123", "account", "123", "123", False),
        ("account", "account", None, None, True),
        ("catalog:command", "catalog:command", None, None, True),
        ("video-a-b", "video", "a-b", "a-b", False),
        ("video-a+b-c+d", "video", "a+b-c+d", "a", False),
    ],
)
def test_name_functions(sql, name, category, stream_id, cardinal_id, is_category):
    row = sql.execute(
        "SELECT message_store.category(%(n)s), message_store.id(%(n)s), "
        "message_store.cardinal_id(%(n)s), message_store.is_category(%(n)s)",
        {"n": name},
    ).fetchone()
    assert row == (category, stream_id, cardinal_id, is_category)
    assert controls.cardinal_id(name) == cardinal_id


@pytest.mark.parametrize(
    "value", ["", "a", "123", "456", "someCategory-1", "éàü", "a much longer value " * 20]
)
def test_hash_64_is_the_first_64_bits_of_md5_as_a_signed_integer(sql, value):
    [(hashed,)] = read(sql, "SELECT message_store.hash_64(%s)", (value,))
    assert hashed == controls.hash_64(value)


def test_hash_64_of_known_values():
    """Pins the Python computation itself: md5('a') = 0cc175b9c0f1b6a8..., md5('') = d41d8cd9..."""
    assert controls.hash_64("a") == 0x0CC175B9C0F1B6A8
    assert controls.hash_64("") == 0xD41D8CD98F00B204 - 2**64


def test_acquire_lock_returns_a_bigint_lock_id(sql):
    with sql.transaction():
        [(lock_id,)] = read(sql, "SELECT message_store.acquire_lock(%s)", (STREAM,))
        held = read(
            sql,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid() AND granted",
        )
    assert isinstance(lock_id, int)
    assert held == [(1,)]


# get_all_messages (ours) ---------------------------------------------------------------------


def test_get_all_messages_reads_every_category_in_global_order(sql):
    streams = [STREAM, "otherCategory-1", "third:command-1", OTHER_STREAM]
    for n, stream in enumerate(streams, start=1):
        write_raw(sql, n, stream_name=stream)
    rows = read(sql, "SELECT * FROM message_store.get_all_messages()")
    assert [(row[1], row[4]) for row in rows] == [(s, n) for n, s in enumerate(streams, start=1)]
    assert global_positions(read(sql, "SELECT * FROM message_store.get_all_messages(2, 2)")) == [
        2,
        3,
    ]
    assert global_positions(read(sql, "SELECT * FROM message_store.get_all_messages(3, -1)")) == [
        3,
        4,
    ]


# The SQL condition ---------------------------------------------------------------------------

CONDITION_QUERIES = {
    "stream": "SELECT * FROM message_store.get_stream_messages(%s, 0, 1000, %s)",
    "category": (
        "SELECT * FROM message_store.get_category_messages(%s, 1, 1000, NULL, NULL, NULL, %s)"
    ),
    "all": "SELECT * FROM message_store.get_all_messages(1, 1000, %s)",
}


def condition_params(kind: str, condition: str) -> tuple:
    return {"stream": (STREAM, condition), "category": (CATEGORY, condition)}.get(
        kind, (condition,)
    )


@pytest.mark.parametrize("kind", list(CONDITION_QUERIES))
@pytest.mark.parametrize("setting", [None, "SET message_store.sql_condition = off", "RESET"])
def test_a_sql_condition_is_refused_unless_activated(sql, kind, setting):
    write_raw(sql, 1, stream_name=STREAM)
    if setting == "RESET":
        sql.execute("SET message_store.sql_condition = on")
        sql.execute("RESET message_store.sql_condition")
    elif setting is not None:
        sql.execute(setting)
    raises_exactly(
        sql,
        CONDITION_QUERIES[kind],
        condition_params(kind, "position = 0"),
        "Retrieval with SQL condition is not activated",
    )


@pytest.mark.parametrize("kind", list(CONDITION_QUERIES))
def test_a_sql_condition_applies_when_activated(sql, kind):
    for n, message_type in enumerate(["A", "B", "A"], start=1):
        write_raw(sql, n, stream_name=STREAM, type=message_type)
    sql.execute("SET message_store.sql_condition = on")
    rows = read(sql, CONDITION_QUERIES[kind], condition_params(kind, "type = 'A'"))
    assert [(row[2], row[3]) for row in rows] == [("A", 0), ("A", 2)]
