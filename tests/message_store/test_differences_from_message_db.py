"""What differs from Message DB on purpose (docs/message-store.md), shown so it stays true:
`acquire_lock` locks a stream, not its category; a category read inside a writing transaction
does not see that transaction's own write; a client scanning the table directly, instead of
calling the functions, can pass a message that commits late. (Category reads refusing
REPEATABLE READ is shown in test_ordering.py.)"""

from __future__ import annotations

import psycopg

from tests.message_store.controls import CATEGORY, hash_64, stream_name_example, write_raw

CATEGORY_READ = "SELECT global_position FROM message_store.get_category_messages(%s)"
TABLE_SCAN = (
    "SELECT global_position FROM message_store.messages"
    " WHERE message_store.category(stream_name) = %s AND global_position > %s"
    " ORDER BY global_position"
)


def positions(connection: psycopg.Connection, query: str, params: tuple) -> list[int]:
    return [row[0] for row in connection.execute(query, params).fetchall()]


def test_acquire_lock_locks_the_stream_not_its_category(connect):
    first, second = connect(autocommit=False), connect(autocommit=False)
    stream, other_stream = stream_name_example("1"), stream_name_example("2")

    [(lock_id,)] = first.execute("SELECT message_store.acquire_lock(%s)", (stream,)).fetchall()
    second.execute("SET lock_timeout = '200ms'")
    second.execute("SELECT message_store.acquire_lock(%s)", (other_stream,))  # not blocked

    assert lock_id == hash_64(stream) != hash_64(CATEGORY)
    first.rollback()
    second.rollback()


def test_a_category_read_in_a_writing_transaction_does_not_see_its_own_write(connect):
    writer = connect(autocommit=False)
    write_raw(writer, 1, stream_name=stream_name_example("1"))

    assert positions(writer, CATEGORY_READ, (CATEGORY,)) == []
    own_stream = "SELECT global_position FROM message_store.get_stream_messages(%s)"
    assert positions(writer, own_stream, (stream_name_example("1"),)) == [1]
    writer.commit()
    assert positions(writer, CATEGORY_READ, (CATEGORY,)) == [1]


def test_a_direct_table_scan_can_pass_a_late_commit_that_the_functions_wait_for(sql, connect):
    late = connect(autocommit=False)
    write_raw(late, 1, stream_name=stream_name_example("1"))
    write_raw(sql, 2, stream_name=stream_name_example("2"))

    assert positions(sql, TABLE_SCAN, (CATEGORY, 0)) == [2]  # a scanner moving to 2 skips 1
    assert positions(sql, CATEGORY_READ, (CATEGORY,)) == []  # ours waits for it
    late.commit()
    assert positions(sql, CATEGORY_READ, (CATEGORY,)) == [1, 2]
