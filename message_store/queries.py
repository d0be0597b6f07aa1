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
UNREAD = (
    "SELECT count(*), extract(epoch FROM (now() AT TIME ZONE 'UTC') - min(unread.time))::float8"
    " FROM ({read}) AS unread"
)
"""A read (one of the GET_* statements above) counted: a subscriber's lag."""
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


# The admin's window on the store: every `Read` position stored, and how many messages follow it.
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


def schema_sql() -> str:
    return SCHEMA_FILE.read_text()


# Consumer processes: heartbeats (the `Heartbeat` model's table) and consumer-group slot leases.
HEARTBEAT_TABLE_EXISTS = "SELECT to_regclass('message_store_heartbeat') IS NOT NULL"
HEARTBEAT_WRITE = """
INSERT INTO message_store_heartbeat AS h (
  id, component, host, pid, group_size, group_member, subscriber_ids, busy, busy_since, handled,
  metrics_port, session_pid, session_started_at, started_at, beat_at, stopped_at)
VALUES (
  %(id)s, %(component)s, %(host)s, %(pid)s, %(group_size)s, %(group_member)s, %(subscriber_ids)s,
  %(busy)s, now() - make_interval(secs => %(busy_seconds)s::float8), %(handled)s,
  %(metrics_port)s, pg_backend_pid(),
  (SELECT backend_start FROM pg_catalog.pg_stat_activity WHERE pid = pg_backend_pid()),
  now() - make_interval(secs => %(uptime)s::float8), now(),
  CASE WHEN %(stopped)s THEN now() END)
ON CONFLICT (id) DO UPDATE SET
  subscriber_ids = EXCLUDED.subscriber_ids, busy = EXCLUDED.busy,
  busy_since = EXCLUDED.busy_since, handled = EXCLUDED.handled,
  metrics_port = EXCLUDED.metrics_port, session_pid = EXCLUDED.session_pid,
  session_started_at = EXCLUDED.session_started_at, beat_at = EXCLUDED.beat_at,
  stopped_at = EXCLUDED.stopped_at
"""
HEARTBEAT_PRUNE = (
    "DELETE FROM message_store_heartbeat"
    " WHERE component = %(component)s AND beat_at < now() - make_interval(days => %(days)s)"
)
# Every process with a row, whether it is alive: its row is fresh and the session that writes it
# still exists (a process killed with SIGKILL ends its session at once).
HEARTBEAT_PROCESSES = """
SELECT h.id, h.component, h.host, h.pid, h.group_size, h.group_member, h.subscriber_ids,
       h.busy, extract(epoch FROM now() - h.busy_since)::float8 AS busy_seconds, h.handled,
       h.metrics_port, h.session_pid, h.started_at, h.beat_at, h.stopped_at,
       extract(epoch FROM now() - h.beat_at)::float8 AS beat_age,
       h.stopped_at IS NULL
         AND h.beat_at > now() - make_interval(secs => %(stale_after)s::float8)
         AND EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a
                      WHERE a.pid = h.session_pid
                        AND (a.backend_start IS NULL
                             OR a.backend_start = h.session_started_at)) AS alive
FROM message_store_heartbeat h
ORDER BY h.component, h.started_at
"""

# Slot locks: two-integer session advisory locks, the first key `tag << 16 | slot` (tag 0x4347,
# apart from the store's own 0x4D53 and 0x4E54), the second the group's key. Every member also
# holds a shared lock on slot 0xFFFF: its presence.
JOIN_GROUP = (
    "SELECT pg_try_advisory_lock_shared((%(tag)s::int << 16) | %(slot)s::int, %(key)s::int)"
)
GROUP_LOCKS = """
SELECT (l.classid::bigint & 65535)::int AS slot, l.pid,
       coalesce(a.backend_start, 'epoch'::timestamptz) AS started
FROM pg_catalog.pg_locks l
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
  AND (l.classid::bigint >> 16) = %(tag)s AND l.objid::bigint = %(key)s
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
"""
CLAIM_SLOTS = (
    "SELECT s FROM unnest(%(slots)s::int[]) AS s"
    " WHERE pg_try_advisory_lock((%(tag)s::int << 16) | s, %(key)s::int)"
)
RELEASE_SLOTS = (
    "SELECT pg_advisory_unlock((%(tag)s::int << 16) | s, %(key)s::int)"
    " FROM unnest(%(slots)s::int[]) AS s"
)
LEAVE_GROUP = "SELECT pg_advisory_unlock_all()"
# The keeper's session: the server drops it after ~10 s without an answer (keepalives), later
# than the keeper gives its slots up (LEASE_SECONDS), so a cut-off member stops first.
KEEPER_SESSION = (
    "SELECT set_config('tcp_keepalives_idle', '5', false),"
    " set_config('tcp_keepalives_interval', '1', false),"
    " set_config('tcp_keepalives_count', '5', false),"
    " set_config('tcp_user_timeout', '10000', false),"
    " set_config('statement_timeout', '5s', false),"
    " set_config('idle_session_timeout', '0', false)"
)
