"""Installing the schema is idempotent: every `migrate` runs `sql/schema.sql` again, which must
leave the stored messages, the global sequence and every object of the schema as they were.
It installs into an empty database too, twice in a row, and only into the message store.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connections
from psycopg.conninfo import make_conninfo

from message_store.apps import install_schema
from message_store.queries import schema_sql
from tests.message_store.controls import (
    id_example,
    message_example,
    stream_name_example,
    table_rows,
    write_raw,
)

CATALOG_SNAPSHOT = """
SELECT 'function', p.oid::regprocedure::text, pg_get_functiondef(p.oid), p.proacl::text
  FROM pg_proc p WHERE p.pronamespace = 'message_store'::regnamespace
UNION ALL
SELECT 'relation', c.relname, c.relkind::text, c.relacl::text
  FROM pg_class c WHERE c.relnamespace = 'message_store'::regnamespace
UNION ALL
SELECT 'index', indexname, indexdef, NULL FROM pg_indexes WHERE schemaname = 'message_store'
UNION ALL
SELECT 'type', t.typname, t.typtype::text, NULL
  FROM pg_type t WHERE t.typnamespace = 'message_store'::regnamespace
UNION ALL
SELECT 'role', rolname, rolcanlogin::text, NULL FROM pg_roles WHERE rolname = 'message_store'
ORDER BY 1, 2
"""


def snapshot(connection: psycopg.Connection) -> list[tuple]:
    return connection.execute(CATALOG_SNAPSHOT).fetchall()


def write_some(store) -> None:
    store.write(message_example(1))
    store.write(message_example(2, stream_name=stream_name_example(2)))
    store.write(message_example(3, expected_version=0))


def test_installing_twice_keeps_messages_sequence_and_objects(store, sql):
    write_some(store)
    rows, objects = table_rows(sql), snapshot(sql)
    assert len(objects) > 20

    install_schema(sender=None, using="message_store")
    install_schema(sender=None, using="message_store")

    assert table_rows(sql) == rows
    assert snapshot(sql) == objects
    store.write(message_example(4, expected_version=1))
    assert [m.global_position for m in store.read("someCategory")] == [1, 2, 3, 4]


def test_migrate_reinstalls_the_schema_and_keeps_messages(store, sql):
    write_some(store)
    rows = table_rows(sql)
    sql.execute("DROP FUNCTION message_store.get_all_messages(bigint, bigint, varchar)")
    try:
        call_command("migrate", database="message_store", verbosity=0)
        reinstalled = sql.execute("SELECT * FROM message_store.get_all_messages()").fetchall()
    finally:
        sql.execute(schema_sql())  # leave the schema whole for the tests that follow

    assert table_rows(sql) == rows
    assert len(reinstalled) == 3


def test_the_schema_is_installed_only_into_the_message_store_database(store):
    install_schema(sender=None, using="default")
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT to_regnamespace('message_store')")
        assert cursor.fetchone() == (None,)


@pytest.fixture
def empty_database(sql):
    name = f"schema_install_{uuid.uuid4().hex[:12]}"
    sql.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    connection = psycopg.connect(make_conninfo(sql.info.dsn, dbname=name), autocommit=True)
    yield connection
    connection.close()
    sql.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_the_schema_installs_into_an_empty_database_twice(empty_database):
    assert empty_database.execute("SELECT to_regnamespace('message_store')").fetchone() == (None,)

    empty_database.execute(schema_sql())
    installed = snapshot(empty_database)
    write_raw(empty_database, 1, stream_name=stream_name_example(1))
    empty_database.execute(schema_sql())

    assert snapshot(empty_database) == installed
    rows = empty_database.execute(
        "SELECT id, global_position FROM message_store.get_category_messages('someCategory')"
    ).fetchall()
    assert rows == [(id_example(1), 1)]
