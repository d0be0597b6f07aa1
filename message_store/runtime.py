"""The process-wide message store, built from Django's `message_store` database settings.

Built lazily so that tests, which rename the database to its test copy, get a store pointing at
the test database (`reset_store()` after the switch).
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connections
from psycopg.conninfo import make_conninfo

from message_store.store import MessageStore

_lock = threading.Lock()
_store: MessageStore | None = None


def store_conninfo(alias: str = "message_store") -> str:
    """The psycopg connection string for a Django database alias."""
    config = connections[alias].settings_dict
    params = {
        "dbname": config["NAME"],
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": str(config["PORT"]) if config.get("PORT") else None,
        "application_name": "video-catalog",
    }
    options = {key: value for key, value in config.get("OPTIONS", {}).items() if key != "pool"}
    params.update(options)
    return make_conninfo(**{key: value for key, value in params.items() if value is not None})


def get_store() -> MessageStore:
    global _store
    with _lock:
        if _store is None:
            _store = MessageStore(
                store_conninfo(), max_connections=settings.MESSAGE_STORE_POOL_SIZE
            )
        return _store


def reset_store() -> None:
    """Close the store so that the next `get_store()` reads the settings again."""
    global _store
    with _lock:
        if _store is not None:
            _store.close()
        _store = None
