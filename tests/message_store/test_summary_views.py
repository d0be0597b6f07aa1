"""Message DB 1.3's summary views (`stream_summary`, `type_summary`, `stream_type_summary`,
`type_stream_summary`, `category_type_summary`, `type_category_summary`) answer as Message DB's
do: same columns and types, same rows and percentages, same order, SELECT for the
`message_store` role and nothing more, so its `print-*-summary.sh` scripts work unchanged.

The answers are checked against counts computed here, and against Message DB itself (its npm
package installed into a scratch database) on the same messages when npm can fetch it.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql as pgsql
from psycopg.conninfo import conninfo_to_dict

from benchmarks.store import fetch_message_db, install_message_db
from tests.message_store.controls import id_example, write_raw

VIEWS = {
    "stream_summary": ("stream_name",),
    "type_summary": ("type",),
    "stream_type_summary": ("stream_name", "type"),
    "type_stream_summary": ("type", "stream_name"),
    "category_type_summary": ("category", "type"),
    "type_category_summary": ("type", "category"),
}
COLUMN_TYPES = {
    "stream_name": "text",
    "type": "text",
    "category": "character varying",
    "message_count": "bigint",
    "percent": "numeric",
}
MESSAGES = [
    ("account-1", "Opened"),
    ("account-1", "Deposited"),
    ("account-1", "Deposited"),
    ("account-2", "Opened"),
    ("account:command-1", "Open"),
    ("transfer-9+1", "Deposited"),
    ("transfer-9+1", "Withdrawn"),
]
"""Seven messages: shares of 1/7, 2/7 and 3/7 exercise the rounding."""


def write_messages(connection: psycopg.Connection) -> None:
    for n, (stream, message_type) in enumerate(MESSAGES, start=1):
        write_raw(connection, n, stream_name=stream, type=message_type, message_id=id_example(n))


def category(stream_name: str) -> str:
    return stream_name.split("-", 1)[0]


def expected_rows(view: str) -> list[tuple]:
    keys = {
        "stream_name": lambda stream, _type: stream,
        "type": lambda _stream, message_type: message_type,
        "category": lambda stream, _type: category(stream),
    }
    names = VIEWS[view]
    counts = Counter(tuple(keys[name](*message) for name in names) for message in MESSAGES)
    total = Decimal(len(MESSAGES))
    return [
        (*key, count, (count / total * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        for key, count in sorted(counts.items())
    ]


def columns(connection: psycopg.Connection, view: str) -> list[tuple[str, str]]:
    return connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'message_store' AND table_name = %s ORDER BY ordinal_position",
        (view,),
    ).fetchall()


def answer(connection: psycopg.Connection, view: str) -> list[tuple]:
    """What Message DB's print scripts read: the view as it orders itself."""
    return connection.execute(
        pgsql.SQL("SELECT * FROM message_store.{}").format(pgsql.Identifier(view))
    ).fetchall()


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_view_has_message_dbs_columns(sql, view):
    names = [*VIEWS[view], "message_count", "percent"]
    assert columns(sql, view) == [(name, COLUMN_TYPES[name]) for name in names]


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_view_counts_and_shares_every_message(sql, view):
    write_messages(sql)

    assert answer(sql, view) == expected_rows(view)


@pytest.mark.parametrize("view", list(VIEWS))
def test_an_empty_store_has_no_rows(sql, view):
    assert answer(sql, view) == []


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_role_may_only_select_from_the_view(sql, connect, view):
    privileges = sql.execute(
        "SELECT p, has_table_privilege('message_store', %s, p) FROM unnest(%s::text[]) p",
        (f"message_store.{view}", ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]),
    ).fetchall()
    assert dict(privileges) == {
        "SELECT": True,
        "INSERT": False,
        "UPDATE": False,
        "DELETE": False,
        "TRUNCATE": False,
    }
    write_messages(sql)
    foreign = connect(user="message_store", options="-c search_path=message_store,public")
    unqualified = f"SELECT * FROM {view} ORDER BY message_count DESC"  # as print-*.sh does
    assert sorted(foreign.execute(unqualified).fetchall()) == sorted(expected_rows(view))


# Against Message DB itself ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def message_db_package(tmp_path_factory) -> Path:
    notes: list[str] = []
    package = fetch_message_db(tmp_path_factory.mktemp("message-db"), notes)
    if package is None:
        pytest.skip(f"Message DB's npm package is not reachable here: {'; '.join(notes)}")
    return package


@pytest.fixture
def message_db(store, message_db_package) -> Iterator[psycopg.Connection]:
    """A scratch database on the test server with Message DB 1.3 installed from its package."""
    name = f"test_message_db_{uuid.uuid4().hex[:12]}"
    server = conninfo_to_dict(store.conninfo)
    admin = psycopg.connect(**{**server, "dbname": "postgres"}, autocommit=True)
    admin.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
    connection = psycopg.connect(**{**server, "dbname": name}, autocommit=True)
    try:
        install_message_db(connection, message_db_package, [])
        yield connection
    finally:
        connection.close()
        admin.execute(pgsql.SQL("DROP DATABASE {} WITH (FORCE)").format(pgsql.Identifier(name)))
        admin.close()


def test_every_view_answers_as_message_dbs_on_the_same_messages(sql, message_db):
    write_messages(sql)
    write_messages(message_db)

    for view in VIEWS:
        assert columns(sql, view) == columns(message_db, view), view
        assert answer(sql, view) == answer(message_db, view), view
        privileges = "SELECT grantee, privilege_type FROM information_schema.role_table_grants"
        privileges += " WHERE table_name = %s AND grantee = 'message_store' ORDER BY 2"
        assert sql.execute(privileges, (view,)).fetchall() == (
            message_db.execute(privileges, (view,)).fetchall()
        ), view
