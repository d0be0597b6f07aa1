"""A foreign Message DB client works against our store unchanged.

The client here behaves as Eventide's Ruby client and the Node.js workshop do: it logs in as the
`message_store` role, sets `search_path` to `message_store, public`, and sends their SQL text
verbatim with `$n` placeholders (a raw cursor), calling the functions unqualified. It shares
messages with our Python client both ways, parses conflicts with the workshop's regular
expression, and cannot change or delete what is stored.
"""

from __future__ import annotations

import json
import re
import uuid

import psycopg
import psycopg.errors
import pytest

from message_store.messages import NewMessage
from tests.message_store.controls import count_messages, id_example, message_example

# Eventide's message_store-postgres (Ruby)
EVENTIDE_WRITE = (
    "SELECT write_message($1::varchar, $2::varchar, $3::varchar, $4::jsonb, $5::jsonb, $6::bigint);"
)
EVENTIDE_GET_CATEGORY = (
    "SELECT * FROM get_category_messages($1::varchar, $2::bigint, $3::bigint, $4::varchar, "
    "$5::bigint, $6::bigint, $7::varchar);"
)
EVENTIDE_GET_STREAM = (
    "SELECT * FROM get_stream_messages($1::varchar, $2::bigint, $3::bigint, $4::varchar);"
)
EVENTIDE_GET_LAST = "SELECT * FROM get_last_stream_message($1::varchar);"

# The Node.js workshop (Practical Microservices): untyped parameters
WORKSHOP_WRITE = "SELECT message_store.write_message($1, $2, $3, $4, $5, $6)"
WORKSHOP_GET_CATEGORY = "SELECT * FROM get_category_messages($1, $2, $3)"
WORKSHOP_GET_STREAM = "SELECT * FROM get_stream_messages($1, $2, $3)"
WORKSHOP_VERSION_CONFLICT = re.compile(r"^Wrong.*Stream Version: (\d+)\)")


@pytest.fixture
def foreign(connect) -> psycopg.Connection:
    """A connection as the `message_store` role (trust over the unix socket), raw `$n` SQL."""
    return connect(
        user="message_store",
        options="-c search_path=message_store,public",
        cursor_factory=psycopg.RawCursor,
    )


def test_the_foreign_client_is_logged_in_as_the_message_store_role(foreign):
    assert foreign.execute("SELECT current_user").fetchone() == ("message_store",)
    schemas = foreign.execute("SELECT current_schemas(false)").fetchone()[0]
    assert schemas == ["message_store", "public"]


def test_eventide_writes_and_reads_a_category(foreign):
    stream = "account-123+456"
    metadata = json.dumps({"correlationStreamName": "origin-1"})
    for n in (1, 2):
        position = foreign.execute(
            EVENTIDE_WRITE,
            (id_example(n), stream, "Deposited", json.dumps({"amount": n}), metadata, n - 2),
        ).fetchone()[0]
        assert position == n - 1

    rows = foreign.execute(EVENTIDE_GET_CATEGORY, ("account", 1, 1000, "origin", 0, 1, None))

    assert [(row[0], row[1], row[3], json.loads(row[5])) for row in rows.fetchall()] == [
        (id_example(1), stream, 0, {"amount": 1}),
        (id_example(2), stream, 1, {"amount": 2}),
    ]
    [last] = foreign.execute(EVENTIDE_GET_LAST, (stream,)).fetchall()
    assert last[0] == id_example(2)
    assert len(foreign.execute(EVENTIDE_GET_STREAM, (stream, 1, 1000, None)).fetchall()) == 1


def test_the_workshop_writes_with_untyped_parameters_and_parses_conflicts(foreign):
    stream = "catalog:command-42"
    foreign.execute(
        WORKSHOP_WRITE, (str(uuid.uuid4()), stream, "Catalog", '{"videoId": "42"}', None, -1)
    )
    with pytest.raises(psycopg.errors.RaiseException) as caught:
        foreign.execute(WORKSHOP_WRITE, (str(uuid.uuid4()), stream, "Catalog", "{}", None, -1))

    match = WORKSHOP_VERSION_CONFLICT.match(caught.value.diag.message_primary)
    assert match is not None
    assert match.group(1) == "0"
    rows = foreign.execute(WORKSHOP_GET_CATEGORY, ("catalog:command", 0, 1000)).fetchall()
    assert [(row[1], json.loads(row[5])) for row in rows] == [(stream, {"videoId": "42"})]
    assert len(foreign.execute(WORKSHOP_GET_STREAM, (stream, 0, 1000)).fetchall()) == 1


def test_messages_cross_between_the_foreign_client_and_ours(store, foreign):
    store.write(message_example(1, stream_name="shared-1", data={"from": "python"}))
    foreign.execute(
        EVENTIDE_WRITE, (id_example(2), "shared-1", "Replied", '{"from": "ruby"}', None, 0)
    )

    foreign_rows = foreign.execute(EVENTIDE_GET_STREAM, ("shared-1", 0, 1000, None)).fetchall()
    ours = store.read("shared-1")

    assert [json.loads(row[5]) for row in foreign_rows] == [{"from": "python"}, {"from": "ruby"}]
    assert [(m.id, m.position, m.data) for m in ours] == [
        (id_example(1), 0, {"from": "python"}),
        (id_example(2), 1, {"from": "ruby"}),
    ]


def test_a_foreign_writers_open_transaction_holds_back_our_readers(connect, store):
    writer = connect(
        user="message_store",
        options="-c search_path=message_store,public",
        cursor_factory=psycopg.RawCursor,
        autocommit=False,
    )
    writer.execute(EVENTIDE_WRITE, (id_example(1), "shared-1", "Late", "{}", None, None))
    store.write(NewMessage(id=id_example(2), stream_name="shared-2", type="Early"))
    assert store.read("shared") == []

    writer.commit()

    assert [m.type for m in store.read("shared")] == ["Late", "Early"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE message_store.messages SET type = 'Changed'",
        "DELETE FROM message_store.messages",
        "TRUNCATE message_store.messages",
        "ALTER TABLE message_store.messages ADD COLUMN sneaky int",
        "CREATE TABLE message_store.sneaky (id int)",
        "DROP FUNCTION message_store.hash_64(varchar)",
        "SELECT setval('message_store.messages_global_position_seq', 1)",
    ],
)
def test_the_role_cannot_change_or_remove_what_is_stored(store, foreign, sql, statement):
    store.write(message_example(1))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        foreign.execute(statement)
    assert count_messages(sql) == 1
    assert sql.execute("SELECT type FROM message_store.messages").fetchone() == (
        "SomethingHappened",
    )
