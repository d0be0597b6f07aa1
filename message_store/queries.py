"""Every SQL statement the Python client sends to the message store, in one place.

The schema itself (tables, functions, role) is `sql/schema.sql`; these are the calls to it.
"""

from pathlib import Path

SCHEMA_FILE = Path(__file__).parent / "sql" / "schema.sql"

WRITE_MESSAGE = "SELECT message_store.write_message(%s, %s, %s, %s::jsonb, %s::jsonb, %s)"
ACQUIRE_STREAM_LOCKS = (
    "SELECT message_store.acquire_lock(s) FROM (SELECT unnest(%s::varchar[]) AS s ORDER BY 1) t"
)
GET_STREAM_MESSAGES = "SELECT * FROM message_store.get_stream_messages(%s, %s, %s)"
GET_CATEGORY_MESSAGES = "SELECT * FROM message_store.get_category_messages(%s, %s, %s, %s, %s, %s)"
GET_ALL_MESSAGES = "SELECT * FROM message_store.get_all_messages(%s, %s)"
GET_LAST_STREAM_MESSAGE = "SELECT * FROM message_store.get_last_stream_message(%s, %s)"
CATEGORY_REACH = (
    "SELECT max(m.global_position) FROM message_store.messages m"
    " WHERE message_store.category(m.stream_name) = %s"
    " AND m.global_position <= (SELECT message_store.read_horizon())"
)
STREAM_VERSION = "SELECT message_store.stream_version(%s)"
LISTEN = "LISTEN message_store"
NOTIFY_CHANNEL = "message_store"
DISABLE_NOTIFY = "SET message_store.notify = 'off'"
DISABLE_NOTIFY_IN_TRANSACTION = "SET LOCAL message_store.notify = 'off'"
NOTIFY = "SELECT pg_notify(%s, %s)"


def schema_sql() -> str:
    return SCHEMA_FILE.read_text()
