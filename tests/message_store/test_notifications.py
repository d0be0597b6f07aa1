"""Writers announce commits on channel `message_store`, with the category as payload.

A listener hears nothing before the commit and one notification per category per transaction
after it; only one of several transactions writing a category at the same time notifies (so
notifying does not serialize their commits), unless the session asked for 'every'; nothing for
a rolled-back transaction, and nothing from a session that turned
notifications off (`SET message_store.notify = 'off'`, `MessageStore(notify=False)`, or
`write(..., notify=False)`, which must not leak into the next write on the same connection).
"""

from __future__ import annotations

import psycopg
import pytest

from message_store.store import MessageStore
from tests.message_store.controls import message_example, stream_name_example, write_raw

QUIET = 0.2
"""Seconds a listener waits to conclude that no notification is coming."""


@pytest.fixture
def listener(connect) -> psycopg.Connection:
    connection = connect()
    connection.execute("LISTEN message_store")
    return connection


def heard(listener: psycopg.Connection, *, expect: int = 0) -> list[tuple[str, str, int]]:
    """What the listener receives: `expect` notifications (waiting up to 5 s for them), then
    whatever else arrives within QUIET seconds."""
    notifications = list(listener.notifies(timeout=5.0, stop_after=expect)) if expect else []
    notifications += list(listener.notifies(timeout=QUIET))
    return [(n.channel, n.payload, n.pid) for n in notifications]


def payloads(listener: psycopg.Connection, *, expect: int) -> list[str]:
    return [payload for _, payload, _ in heard(listener, expect=expect)]


@pytest.fixture
def client(store: MessageStore):
    """A client with one connection, so consecutive writes share a session."""
    single = MessageStore(store.conninfo, max_connections=1)
    yield single
    single.close()


def test_a_commit_is_announced_after_it_happens_not_before(connect, listener):
    writer = connect(autocommit=False)
    write_raw(writer, 1, stream_name=stream_name_example(1))
    assert heard(listener) == []

    writer.commit()

    assert heard(listener, expect=1) == [("message_store", "someCategory", writer.info.backend_pid)]


def test_one_notification_per_category_per_transaction(connect, listener):
    writer = connect(autocommit=False)
    for n, stream in enumerate(
        [
            "someCategory-1",
            "someCategory-2",
            "otherCategory-1",
            "someCategory-1",
            "catalog:command-42",
            "otherCategory-9",
        ],
        start=1,
    ):
        write_raw(writer, n, stream_name=stream)
    writer.commit()

    assert sorted(payloads(listener, expect=3)) == [
        "catalog:command",
        "otherCategory",
        "someCategory",
    ]


def test_each_committed_transaction_is_announced(sql, listener):
    write_raw(sql, 1, stream_name=stream_name_example(1))
    write_raw(sql, 2, stream_name=stream_name_example(2))
    assert payloads(listener, expect=2) == ["someCategory", "someCategory"]


def test_a_rolled_back_transaction_is_not_announced(connect, listener):
    writer = connect(autocommit=False)
    write_raw(writer, 1, stream_name=stream_name_example(1))
    writer.rollback()
    assert heard(listener) == []


def test_a_session_that_turns_notifications_off_is_silent(sql, listener):
    sql.execute("SET message_store.notify = 'off'")
    write_raw(sql, 1, stream_name=stream_name_example(1))
    assert heard(listener) == []

    sql.execute("SET message_store.notify = 'on'")
    write_raw(sql, 2, stream_name=stream_name_example(2))
    assert payloads(listener, expect=1) == ["someCategory"]


def test_a_client_built_without_notifications_is_silent(store, listener):
    silent = MessageStore(store.conninfo, notify=False)
    try:
        silent.write(message_example(1))
        silent.write_batch([message_example(2), message_example(3, stream_name="otherCategory-1")])
    finally:
        silent.close()
    assert heard(listener) == []


def test_the_python_client_announces_by_default(client, listener):
    client.write(message_example(1))
    client.write_batch([message_example(2), message_example(3, stream_name="otherCategory-1")])
    assert payloads(listener, expect=3) == [
        "someCategory",
        "someCategory",
        "otherCategory",
    ]


def test_a_silent_write_does_not_silence_the_next_write_on_its_connection(client, listener):
    client.write(message_example(1), notify=False)
    assert heard(listener) == []

    client.write(message_example(2))

    assert payloads(listener, expect=1) == ["someCategory"]


def test_only_one_of_overlapping_transactions_on_a_category_notifies(connect, listener):
    first, second = connect(autocommit=False), connect(autocommit=False)
    write_raw(first, 1, stream_name=stream_name_example(1))
    write_raw(second, 2, stream_name=stream_name_example(2))

    second.commit()
    first.commit()

    assert heard(listener, expect=1) == [("message_store", "someCategory", first.info.backend_pid)]


def test_the_next_transaction_notifies_again_once_the_notifier_committed(connect, listener):
    for n in (1, 2):
        writer = connect(autocommit=False)
        write_raw(writer, n, stream_name=stream_name_example(n))
        writer.commit()

    assert payloads(listener, expect=2) == ["someCategory", "someCategory"]


def test_every_transaction_notifies_when_the_session_asks_for_every(connect, listener):
    first, second = connect(autocommit=False), connect(autocommit=False)
    for n, writer in ((1, first), (2, second)):
        writer.execute("SET message_store.notify = 'every'")
        write_raw(writer, n, stream_name=stream_name_example(n))

    second.commit()
    first.commit()

    assert payloads(listener, expect=2) == ["someCategory", "someCategory"]
