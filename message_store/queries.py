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
GET_CATEGORY_REPLIES = "SELECT * FROM message_store.get_category_replies(%s, %s, %s, %s, %s, %s)"
GET_LAST_STREAM_MESSAGE = "SELECT * FROM message_store.get_last_stream_message(%s, %s)"
CATEGORY_REACH = (
    "SELECT max(m.global_position) FROM message_store.messages m"
    " WHERE message_store.category(m.stream_name) = %s"
    " AND m.global_position <= (SELECT message_store.read_horizon())"
)
GET_ENTITY_MESSAGES = "SELECT * FROM message_store.get_entity_messages(%s, %s)"
SORT_MEMORY_FOR_TRANSACTION = "SET LOCAL work_mem = '64MB'"
READ_HORIZON = "SELECT message_store.read_horizon()"
STREAM_VERSION = "SELECT message_store.stream_version(%s)"
SCHEMA_INSTALLED = "SELECT to_regprocedure('message_store.stream_version(varchar)') IS NOT NULL"
LISTEN = "LISTEN message_store"
NOTIFY_CHANNEL = "message_store"
DISABLE_NOTIFY = "SET message_store.notify = 'off'"
DISABLE_NOTIFY_IN_TRANSACTION = "SET LOCAL message_store.notify = 'off'"
SILENCE_NOTIFY = (
    "SELECT current_setting('message_store.notify', true),"
    " set_config('message_store.notify', 'off', true)"
)
RESTORE_NOTIFY = "SELECT set_config('message_store.notify', %s, true)"
NOTIFY = "SELECT pg_notify(%s, %s)"
ERASE_STREAM = "SELECT message_store.erase_stream(%s, %s::varchar[], %s::varchar[])"


# The admin's window on the store: each subscriber's last stored position, and how far behind.
SUBSCRIBER_POSITIONS_SQL = """
WITH latest AS (
  SELECT DISTINCT ON (stream_name) stream_name, data, time
  FROM message_store.messages
  WHERE message_store.category(stream_name) = %(category)s AND type = 'Read'
  ORDER BY stream_name, position DESC
), positions AS (
  SELECT message_store.id(stream_name) AS subscriber_id,
         CASE WHEN jsonb_typeof(data -> 'position') = 'number'
                   AND (data ->> 'position')::numeric BETWEEN 0 AND 9e18
              THEN (data ->> 'position')::numeric::bigint END AS position,
         time
  FROM latest
)
SELECT p.subscriber_id, p.position, p.time,
       (SELECT count(*) FROM message_store.messages m
         WHERE m.global_position > coalesce(p.position, 0)
           AND message_store.category(m.stream_name) <> %(category)s) AS lag
FROM positions p
ORDER BY p.subscriber_id
"""

CATEGORY_LAG_SQL = """
SELECT count(*) FROM message_store.messages
WHERE message_store.category(stream_name) = %s AND global_position > %s
"""


def schema_sql() -> str:
    return SCHEMA_FILE.read_text()
