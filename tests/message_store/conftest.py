"""Raw connections to the test message store, for tests that speak the SQL interface directly."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import psycopg
import pytest

from message_store.store import MessageStore


@pytest.fixture
def connect(store: MessageStore) -> Iterator[Callable[..., psycopg.Connection]]:
    """Open extra raw autocommit connections (closed at the end of the test)."""
    opened: list[psycopg.Connection] = []

    def open_connection(**kwargs) -> psycopg.Connection:
        kwargs.setdefault("autocommit", True)
        connection = psycopg.connect(store.conninfo, **kwargs)
        opened.append(connection)
        return connection

    yield open_connection
    for connection in opened:
        connection.close()


@pytest.fixture
def sql(connect: Callable[..., psycopg.Connection]) -> psycopg.Connection:
    """One raw autocommit connection to the emptied test message store."""
    return connect()
