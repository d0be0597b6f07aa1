"""After the database drops every connection (a restart, terminated backends), the client's
next call succeeds: it finds its pool's dead idle connections before use (a connection the server
closed has input waiting, seen without a query) and hands out a fresh one, instead of failing
once per dead connection."""

from __future__ import annotations

import threading

from psycopg.conninfo import make_conninfo

from message_store.store import MessageStore
from tests.message_store.controls import message_example, stream_name_example


def test_the_first_call_after_the_connections_died_succeeds(store: MessageStore, connect) -> None:
    conninfo = make_conninfo(store.conninfo, application_name="video-catalog-test-pool")
    client = MessageStore(conninfo, max_connections=3)
    try:
        barrier = threading.Barrier(3)

        def hold_a_connection() -> None:
            with client.connection() as connection:
                connection.execute("SELECT 1")
                barrier.wait(timeout=10)

        threads = [threading.Thread(target=hold_a_connection) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        # The timeout makes the server wait until each backend has gone (and sent its farewell):
        # without it the client's next call can race a backend still on its way out.
        with connect() as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                "WHERE application_name = 'video-catalog-test-pool' AND pid <> pg_backend_pid()"
            ).fetchone()[0]
        assert killed == 3

        assert client.write(message_example(1)) == 0
        assert [m.id for m in client.read(stream_name_example())] == [message_example(1).id]
    finally:
        client.close()
