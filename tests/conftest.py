"""Shared fixtures: a real message store on the test database, cleaned between tests.

A test that asks for `store` (or `store_env`) is marked as a transactional database test on both
databases automatically, because consumers under test read what other connections committed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.db import connections

from message_store.runtime import get_store, reset_store, store_conninfo
from message_store.store import MessageStore
from tests.object_storage import S3Bucket, fresh_bucket, s3_server

STORE_FIXTURES = {"store", "store_env"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if STORE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(
                pytest.mark.django_db(transaction=True, databases=["default", "message_store"])
            )


@pytest.fixture
def store(django_db_blocker) -> MessageStore:
    """The process-wide store, pointed at the (emptied) test message store."""
    with django_db_blocker.unblock():
        reset_store()
        message_store = get_store()
        with message_store.connection() as connection:
            connection.execute("TRUNCATE message_store.messages RESTART IDENTITY")
    yield message_store
    reset_store()


def database_url(alias: str) -> str:
    """A URL for a Django database alias, for child processes (consumers, servers)."""
    config = connections[alias].settings_dict
    user = quote(config.get("USER") or "")
    password = quote(config.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = config.get("HOST") or ""
    port = f":{config['PORT']}" if config.get("PORT") else ""
    if host.startswith("/"):
        return f"postgres://{credentials}/{config['NAME']}?host={quote(host)}"
    return f"postgres://{credentials}{host}{port}/{config['NAME']}"


@pytest.fixture
def store_env(store: MessageStore) -> dict[str, str]:
    """Environment for a child process that must use the test databases."""
    return {
        **os.environ,
        "DATABASE_URL": database_url("default"),
        "MESSAGE_STORE_URL": database_url("message_store"),
    }


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible server for the whole run (each test empties it: see `s3`)."""
    with s3_server() as endpoint_url:
        yield endpoint_url


@pytest.fixture
def s3(settings, s3_endpoint: str) -> S3Bucket:
    """An empty bucket on the local S3-compatible server, and the media storage pointed at it
    (presigned URLs, as in production by default)."""
    bucket = fresh_bucket(s3_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": bucket.storage_options},
    }
    return bucket


__all__ = ["database_url", "store_conninfo"]
