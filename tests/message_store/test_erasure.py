"""`message_store.erase_stream`: the privileged, in-place erasure of a stream's content.

Each message keeps its id, stream, type, positions and time, and of its data only the keys the
caller keeps; its metadata gains `erasedAt`. Readers (ours and any Message DB client) read the
stream as before; the `message_store` role may not erase."""

from __future__ import annotations

import psycopg
import pytest

from message_store.erasure import erase_streams, is_erased
from message_store.messages import NewMessage, derived_id

STREAM = "note-1"
KEEP = ["noteId"]


def write(store, n: int, data, metadata=None, stream: str = STREAM) -> None:
    store.write(
        NewMessage(
            id=derived_id("erase", stream, n),
            stream_name=stream,
            type="Noted",
            data=data,
            metadata=metadata,
        )
    )


def rows(sql, stream: str = STREAM) -> list[tuple]:
    return sql.execute(
        "SELECT id, stream_name, type, position, global_position, data, metadata, time"
        " FROM message_store.get_stream_messages(%s)",
        (stream,),
    ).fetchall()


@pytest.fixture
def notes(store):
    write(store, 1, {"noteId": "n1", "text": "my secret"}, {"traceId": "t1"})
    write(store, 2, {"noteId": "n1"}, {"traceId": "t2"})
    write(store, 3, {"noteId": "n1", "text": "more secret"})
    write(store, 1, {"noteId": "n2", "text": "not mine"}, stream="note-2")
    return store


def test_content_goes_identifiers_and_positions_stay(notes, sql):
    before = rows(sql)

    [(erased,)] = sql.execute(
        "SELECT message_store.erase_stream(%s, %s::varchar[])", (STREAM, KEEP)
    ).fetchall()

    after = rows(sql)
    assert erased == 2
    assert [row[:5] + row[7:] for row in after] == [row[:5] + row[7:] for row in before]
    assert [row[5] for row in after] == ['{"noteId": "n1"}'] * 3
    assert '"erasedAt"' in after[0][6]
    assert '"traceId": "t1"' in after[0][6]
    assert "erasedAt" not in (after[1][6] or "")  # held identifiers only: nothing to erase
    assert '"erasedAt"' in after[2][6]  # its metadata was null: now an object
    assert "secret" not in str(after)
    assert "not mine" in str(rows(sql, "note-2"))


def test_erasing_again_changes_nothing(notes, sql):
    sql.execute("SELECT message_store.erase_stream(%s, %s::varchar[])", (STREAM, KEEP))
    once = rows(sql)

    [(erased,)] = sql.execute(
        "SELECT message_store.erase_stream(%s, %s::varchar[])", (STREAM, KEEP)
    ).fetchall()

    assert erased == 0
    assert rows(sql) == once


def test_category_reads_and_the_python_client_see_the_erased_shape(notes, sql):
    erase_streams(notes, [STREAM], keep=KEEP)

    messages = notes.read("note")
    assert [m.position for m in messages if m.stream_name == STREAM] == [0, 1, 2]
    assert [is_erased(m) for m in messages if m.stream_name == STREAM] == [True, False, True]
    assert messages[0].data == {"noteId": "n1"}


def test_data_that_is_not_an_object_is_erased_to_an_empty_one(store, sql):
    sql.execute(
        "SELECT message_store.write_message(%s, %s, 'Odd', %s::jsonb)",
        (derived_id("odd"), STREAM, '["my secret"]'),
    )

    sql.execute("SELECT message_store.erase_stream(%s, %s::varchar[])", (STREAM, KEEP))

    assert rows(sql)[0][5] == "{}"


def test_a_category_is_refused(notes, sql):
    with pytest.raises(psycopg.errors.RaiseException, match="Must be a stream name: note"):
        sql.execute("SELECT message_store.erase_stream('note', '{}'::varchar[])")


def test_the_message_store_role_may_not_erase(notes, sql):
    sql.execute("SET ROLE message_store")
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            sql.execute("SELECT message_store.erase_stream(%s, %s::varchar[])", (STREAM, KEEP))
    finally:
        sql.execute("RESET ROLE")
    [(may,)] = sql.execute(
        "SELECT pg_has_role('message_store_eraser', 'USAGE') OR has_function_privilege("
        "'message_store_eraser', 'message_store.erase_stream(varchar, varchar[])', 'EXECUTE')"
    ).fetchall()
    assert may is True
    assert "secret" in str(rows(sql))
