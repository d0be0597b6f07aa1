"""After the database drops every connection (a restart), the client fails once, then works:
it checks its pool's other idle connections instead of handing out dead ones one by one."""

from __future__ import annotations

import threading

import pytest
from psycopg.conninfo import make_conninfo

from message_store.errors import StoreUnavailableError
from message_store.store import MessageStore
from tests.message_store.controls import message_example, stream_name_example


def test_one_failure_then_a_live_connection(store: MessageStore, connect) -> None:
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
        with connect() as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'video-catalog-test-pool' AND pid <> pg_backend_pid()"
            ).fetchone()[0]
        assert killed == 3

        with pytest.raises(StoreUnavailableError):
            client.write(message_example(1))
        assert client.write(message_example(2)) == 0
        assert [m.id for m in client.read(stream_name_example())] == [message_example(2).id]
    finally:
        client.close()
