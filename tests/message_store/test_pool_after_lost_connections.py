"""The store's pooled connections that the server closed (a restart, a failover, terminated
backends) are found before use: the first call afterwards succeeds on a fresh connection
instead of failing once per dead pooled connection."""

from __future__ import annotations

import threading

import psycopg

from message_store.store import MessageStore
from tests.consumers.controls import message_example, stored


def fill_the_pool(store: MessageStore, size: int) -> set[int]:
    """Hold `size` connections at once, so the pool keeps that many; their server pids."""
    barrier = threading.Barrier(size)
    pids: set[int] = set()

    def hold() -> None:
        with store.connection() as connection:
            pids.add(connection.info.backend_pid)
            barrier.wait(10)

    threads = [threading.Thread(target=hold) for _ in range(size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return pids


def test_the_first_call_after_the_pool_s_connections_died_succeeds(store: MessageStore) -> None:
    pids = fill_the_pool(store, 4)
    assert len(pids) == 4
    with psycopg.connect(store.conninfo, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) pid", (list(pids),))

    message = stored(store, message_example(1))

    assert store.read(message.stream_name)[0].id == message.id
