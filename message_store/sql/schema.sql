-- The message store: Message DB 1.3's interface (schema, table, type, functions, role and error
-- texts), so that any Message DB client can share it, with three additions of ours:
--   * writers serialize per stream, not per category, so writers to one category commit together;
--   * readers of a category or of the whole store never skip a message that commits late
--     (the read horizon below);
--   * a notification on commit, per category, so consumers wake without polling.
-- Every statement is idempotent: `manage.py migrate --database message_store` installs or
-- upgrades it in place.

CREATE SCHEMA IF NOT EXISTS message_store;

CREATE TABLE IF NOT EXISTS message_store.messages (
  global_position bigserial NOT NULL,
  position bigint NOT NULL,
  time timestamp WITHOUT TIME ZONE DEFAULT (now() AT TIME ZONE 'utc') NOT NULL,
  stream_name text NOT NULL,
  type text NOT NULL,
  data jsonb,
  metadata jsonb,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (global_position)
);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname = 'message_store' AND t.typname = 'message') THEN
    CREATE TYPE message_store.message AS (
      id varchar,
      stream_name varchar,
      type varchar,
      position bigint,
      global_position bigint,
      data varchar,
      metadata varchar,
      time timestamp
    );
  END IF;
END
$$;

-- Name functions ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION message_store.hash_64(value varchar)
RETURNS bigint AS $$
  SELECT ('x' || left(md5(value), 16))::bit(64)::bigint;
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION message_store.category(stream_name varchar)
RETURNS varchar AS $$
  SELECT split_part(stream_name, '-', 1);
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION message_store.id(stream_name varchar)
RETURNS varchar AS $$
  SELECT CASE WHEN strpos(stream_name, '-') = 0 THEN NULL
              ELSE substring(stream_name FROM strpos(stream_name, '-') + 1) END;
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION message_store.cardinal_id(stream_name varchar)
RETURNS varchar AS $$
  SELECT split_part(message_store.id(stream_name), '+', 1);
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION message_store.is_category(stream_name varchar)
RETURNS boolean AS $$
  SELECT strpos(stream_name, '-') = 0;
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION message_store.message_store_version()
RETURNS varchar AS $$
  SELECT '1.3.0+video-catalog.1'::varchar;
$$ LANGUAGE sql IMMUTABLE;

-- Indexes (Message DB's) ---------------------------------------------------------------------

CREATE UNIQUE INDEX IF NOT EXISTS messages_id ON message_store.messages (id);
CREATE UNIQUE INDEX IF NOT EXISTS messages_stream
  ON message_store.messages (stream_name, position);
CREATE INDEX IF NOT EXISTS messages_category
  ON message_store.messages (
    message_store.category(stream_name),
    global_position,
    message_store.category(metadata->>'correlationStreamName')
  );

-- The highest global position drawn from the sequence so far (0 before the first write).
-- pg_sequence_last_value() is NULL until the sequence is first drawn from; a function call,
-- it costs less than a scan of the sequence relation.
CREATE OR REPLACE FUNCTION message_store.last_drawn_position()
RETURNS bigint AS $$
  SELECT coalesce(
    pg_sequence_last_value('message_store.messages_global_position_seq'::regclass), 0);
$$ LANGUAGE sql VOLATILE;

-- Writing --------------------------------------------------------------------------------------

-- Serializes writers of one stream until commit, so positions stay gapless and the expected
-- version check is exact. Message DB locks the whole category here; we lock only the stream,
-- because the read horizon (below) is what keeps category readers from skipping.
CREATE OR REPLACE FUNCTION message_store.acquire_lock(stream_name varchar)
RETURNS bigint AS $$
DECLARE
  _lock_id bigint := message_store.hash_64(acquire_lock.stream_name);
BEGIN
  PERFORM pg_advisory_xact_lock(_lock_id);
  RETURN _lock_id;
END;
$$ LANGUAGE plpgsql VOLATILE;

DROP FUNCTION IF EXISTS message_store.advertise_write();
DROP FUNCTION IF EXISTS message_store.notify_commit(varchar);

-- One function body, no nested calls: a write is the hot path, and each nested PL/pgSQL or
-- SQL function call costs a few microseconds of a write's ~60. For the same reason every call
-- whose result is not needed is an assignment (`_done := f()::text`), which PL/pgSQL evaluates
-- as a simple expression, rather than a PERFORM, which runs a query through the executor; and
-- the category is worked out only when a notification needs it.
--
-- 1. Lock the stream (as acquire_lock does) until commit: positions stay gapless and the
--    expected version check is exact.
-- 2. Before drawing a global position, advertise the highest one drawn so far in a shared
--    advisory lock held until commit: every position this transaction draws is greater, so a
--    reader that stops at the lowest advertised value (read_horizon) never passes it. The key
--    is the two-integer form (objsubid 2 in pg_locks), tagged 0x4D53 in the upper 16 bits of
--    the first key, the value in the other 48 bits. A transaction advertises once, at its first
--    write (noted in the transaction-local setting message_store.advertised, which a rollback
--    to a savepoint undoes together with the lock): its first value is below all it draws, and
--    a transaction writing a whole batch holds one such lock, not one per message.
-- 3. Notify channel `message_store` (payload: the category) at commit. PostgreSQL serializes
--    the commits of notifying transactions server-wide, which would undo the per-stream
--    locking; so by default only one transaction per category notifies at a time (a try-lock
--    held to commit, tagged 0x4E54), and the others commit without waiting: a listener woken by
--    the notifier follows up with a few reads that find what they wrote (see
--    message_store/consumer.py). `SET message_store.notify = 'every'` notifies every
--    transaction; 'off' notifies none (readers then poll).
CREATE OR REPLACE FUNCTION message_store.write_message(
  id varchar,
  stream_name varchar,
  "type" varchar,
  data jsonb,
  metadata jsonb DEFAULT NULL,
  expected_version bigint DEFAULT NULL
)
RETURNS bigint AS $$
DECLARE
  _stream_version bigint;
  _drawn bigint;
  _transaction text;
  _notify text;
  _done text;
BEGIN
  _done := pg_advisory_xact_lock(message_store.hash_64(write_message.stream_name))::text;

  SELECT coalesce(max(m.position), -1)
    INTO _stream_version
    FROM message_store.messages m
   WHERE m.stream_name = write_message.stream_name;

  IF write_message.expected_version IS NOT NULL
     AND write_message.expected_version != _stream_version THEN
    RAISE EXCEPTION
      'Wrong expected version: % (Stream: %, Stream Version: %)',
      write_message.expected_version,
      write_message.stream_name,
      _stream_version;
  END IF;

  _transaction := pg_current_xact_id()::text;
  IF current_setting('message_store.advertised', true) IS DISTINCT FROM _transaction THEN
    _drawn := coalesce(
      pg_sequence_last_value('message_store.messages_global_position_seq'::regclass), 0);
    _done := pg_advisory_xact_lock_shared(
      ((19795::bigint << 16) | (_drawn >> 32))::int4,
      ((_drawn & 4294967295) - CASE WHEN (_drawn & 4294967295) >= 2147483648
                                    THEN 4294967296 ELSE 0 END)::int4
    )::text;
    _done := set_config('message_store.advertised', _transaction, true);
  END IF;

  INSERT INTO message_store.messages (id, stream_name, position, type, data, metadata)
  VALUES (
    uuid(write_message.id),
    write_message.stream_name,
    _stream_version + 1,
    write_message.type,
    write_message.data,
    write_message.metadata
  );

  _notify := coalesce(current_setting('message_store.notify', true), '');
  IF _notify = 'every' OR (
       _notify <> 'off'
       AND pg_try_advisory_xact_lock(
             (20052::bigint << 16)::int4, hashtext(split_part(write_message.stream_name, '-', 1))))
  THEN
    _done := pg_notify('message_store', split_part(write_message.stream_name, '-', 1))::text;
  END IF;

  RETURN _stream_version + 1;
END;
$$ LANGUAGE plpgsql VOLATILE;

-- Reading --------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION message_store.stream_version(stream_name varchar)
RETURNS bigint AS $$
  SELECT max(position) FROM message_store.messages WHERE messages.stream_name = $1;
$$ LANGUAGE sql STABLE;

-- The highest global position below which every message is committed or rolled back: the lowest
-- value advertised by a transaction still writing, capped by the sequence. The sequence is read
-- first, pg_locks second: a writer that draws a position at or below the sequence value read
-- here has advertised before drawing, so its lock is seen. A reader must query rows with a
-- statement that starts after this one (a new snapshot in READ COMMITTED, PostgreSQL's default).
CREATE OR REPLACE FUNCTION message_store.read_horizon()
RETURNS bigint AS $$
DECLARE
  _drawn bigint;
  _lowest_advertised bigint;
BEGIN
  -- A snapshot kept for the whole transaction (REPEATABLE READ, SERIALIZABLE) may predate the
  -- commit of a message below the horizon: the reader would skip it. Refuse instead.
  IF current_setting('transaction_isolation') NOT IN ('read committed', 'read uncommitted') THEN
    RAISE EXCEPTION
      'Category and whole-store reads need READ COMMITTED isolation (Transaction Isolation: %)',
      current_setting('transaction_isolation');
  END IF;

  _drawn := message_store.last_drawn_position();

  SELECT min(((l.classid::bigint & 65535) << 32) | l.objid::bigint)
    INTO _lowest_advertised
    FROM pg_catalog.pg_locks l
   WHERE l.locktype = 'advisory'
     AND l.objsubid = 2
     AND (l.classid::bigint >> 16) = 19795
     AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database());

  RETURN least(_drawn, _lowest_advertised);
END;
$$ LANGUAGE plpgsql VOLATILE;

-- Message DB's checks of consumer group arguments, with its error texts, shared by every
-- category read of ours that takes a group.
CREATE OR REPLACE FUNCTION message_store.require_consumer_group(
  consumer_group_member bigint,
  consumer_group_size bigint
)
RETURNS void AS $$
BEGIN
  IF (consumer_group_member IS NULL) <> (consumer_group_size IS NULL) THEN
    RAISE EXCEPTION
      'Consumer group member and size must be specified (Consumer Group Member: %, Consumer Group Size: %)',
      consumer_group_member, consumer_group_size;
  END IF;

  IF consumer_group_size IS NOT NULL THEN
    IF consumer_group_size < 1 THEN
      RAISE EXCEPTION
        'Consumer group size must not be less than 1 (Consumer Group Member: %, Consumer Group Size: %)',
        consumer_group_member, consumer_group_size;
    END IF;
    IF consumer_group_member < 0 THEN
      RAISE EXCEPTION
        'Consumer group member must not be less than 0 (Consumer Group Member: %, Consumer Group Size: %)',
        consumer_group_member, consumer_group_size;
    END IF;
    IF consumer_group_member >= consumer_group_size THEN
      RAISE EXCEPTION
        'Consumer group member must be less than the group size (Consumer Group Member: %, Consumer Group Size: %)',
        consumer_group_member, consumer_group_size;
    END IF;
  END IF;
END;
$$ LANGUAGE plpgsql IMMUTABLE;

CREATE OR REPLACE FUNCTION message_store.require_sql_condition()
RETURNS void AS $$
BEGIN
  IF coalesce(current_setting('message_store.sql_condition', true), 'off') <> 'on' THEN
    RAISE EXCEPTION 'Retrieval with SQL condition is not activated';
  END IF;
END;
$$ LANGUAGE plpgsql STABLE;

CREATE OR REPLACE FUNCTION message_store.get_stream_messages(
  stream_name varchar,
  "position" bigint DEFAULT 0,
  batch_size bigint DEFAULT 1000,
  condition varchar DEFAULT NULL
)
RETURNS SETOF message_store.message AS $$
DECLARE
  _command text;
BEGIN
  IF message_store.is_category(get_stream_messages.stream_name) THEN
    RAISE EXCEPTION 'Must be a stream name: %', get_stream_messages.stream_name;
  END IF;

  "position" := coalesce("position", 0);
  batch_size := coalesce(batch_size, 1000);

  -- Without a condition the query is static, so PL/pgSQL caches its plan.
  IF get_stream_messages.condition IS NULL THEN
    RETURN QUERY
      SELECT m.id::varchar, m.stream_name::varchar, m.type::varchar, m.position::bigint,
             m.global_position::bigint, m.data::varchar, m.metadata::varchar, m.time::timestamp
        FROM message_store.messages m
       WHERE m.stream_name = get_stream_messages.stream_name
         AND m.position >= get_stream_messages."position"
       ORDER BY m.position ASC
       LIMIT CASE WHEN batch_size = -1 THEN NULL ELSE batch_size END;
    RETURN;
  END IF;

  PERFORM message_store.require_sql_condition();
  _command := '
    SELECT id::varchar, stream_name::varchar, type::varchar, position::bigint,
           global_position::bigint, data::varchar, metadata::varchar, time::timestamp
      FROM message_store.messages
     WHERE stream_name = $1 AND position >= $2'
    || format(' AND (%s)', get_stream_messages.condition)
    || ' ORDER BY position ASC';
  IF batch_size <> -1 THEN
    _command := _command || ' LIMIT $3';
  END IF;

  RETURN QUERY EXECUTE _command USING get_stream_messages.stream_name, "position", batch_size;
END;
$$ LANGUAGE plpgsql VOLATILE;

CREATE OR REPLACE FUNCTION message_store.get_category_messages(
  category varchar,
  "position" bigint DEFAULT 1,
  batch_size bigint DEFAULT 1000,
  correlation varchar DEFAULT NULL,
  consumer_group_member bigint DEFAULT NULL,
  consumer_group_size bigint DEFAULT NULL,
  condition varchar DEFAULT NULL
)
RETURNS SETOF message_store.message AS $$
DECLARE
  _command text;
  _horizon bigint;
BEGIN
  IF NOT message_store.is_category(get_category_messages.category) THEN
    RAISE EXCEPTION 'Must be a category: %', get_category_messages.category;
  END IF;

  "position" := coalesce("position", 1);
  batch_size := coalesce(batch_size, 1000);

  IF correlation IS NOT NULL AND strpos(correlation, '-') > 0 THEN
    RAISE EXCEPTION 'Correlation must be a category (Correlation: %)', correlation;
  END IF;

  PERFORM message_store.require_consumer_group(consumer_group_member, consumer_group_size);

  -- Nothing can be there yet: skip the horizon (it reads pg_locks, the costly part of a read).
  IF "position" > message_store.last_drawn_position() THEN
    RETURN;
  END IF;
  _horizon := message_store.read_horizon();

  -- Without a condition the query is static, so PL/pgSQL caches its plan.
  IF get_category_messages.condition IS NULL THEN
    RETURN QUERY
      SELECT m.id::varchar, m.stream_name::varchar, m.type::varchar, m.position::bigint,
             m.global_position::bigint, m.data::varchar, m.metadata::varchar, m.time::timestamp
        FROM message_store.messages m
       WHERE message_store.category(m.stream_name) = get_category_messages.category
         AND m.global_position >= get_category_messages."position"
         AND m.global_position <= _horizon
         AND (correlation IS NULL
              OR message_store.category(m.metadata->>'correlationStreamName') = correlation)
         AND (consumer_group_size IS NULL
              OR mod(abs(message_store.hash_64(message_store.cardinal_id(m.stream_name))),
                     consumer_group_size) = consumer_group_member)
       ORDER BY m.global_position ASC
       LIMIT CASE WHEN batch_size = -1 THEN NULL ELSE batch_size END;
    RETURN;
  END IF;

  PERFORM message_store.require_sql_condition();
  _command := '
    SELECT id::varchar, stream_name::varchar, type::varchar, position::bigint,
           global_position::bigint, data::varchar, metadata::varchar, time::timestamp
      FROM message_store.messages
     WHERE message_store.category(stream_name) = $1
       AND global_position >= $2
       AND global_position <= $7';

  IF correlation IS NOT NULL THEN
    _command := _command
      || ' AND message_store.category(metadata->>''correlationStreamName'') = $4';
  END IF;

  IF consumer_group_size IS NOT NULL THEN
    _command := _command
      || ' AND mod(abs(message_store.hash_64(message_store.cardinal_id(stream_name))), $6) = $5';
  END IF;

  _command := _command || format(' AND (%s)', get_category_messages.condition);
  _command := _command || ' ORDER BY global_position ASC';
  IF batch_size <> -1 THEN
    _command := _command || ' LIMIT $3';
  END IF;

  RETURN QUERY EXECUTE _command USING
    get_category_messages.category, "position", batch_size, correlation,
    consumer_group_member, consumer_group_size, _horizon;
END;
$$ LANGUAGE plpgsql VOLATILE;

-- Ours: every message of the store in global order, from `position`, behind the read horizon.
CREATE OR REPLACE FUNCTION message_store.get_all_messages(
  "position" bigint DEFAULT 1,
  batch_size bigint DEFAULT 1000,
  condition varchar DEFAULT NULL
)
RETURNS SETOF message_store.message AS $$
DECLARE
  _command text;
  _horizon bigint;
BEGIN
  "position" := coalesce("position", 1);
  batch_size := coalesce(batch_size, 1000);
  -- Nothing can be there yet: skip the horizon (it reads pg_locks, the costly part of a read).
  IF "position" > message_store.last_drawn_position() THEN
    RETURN;
  END IF;
  _horizon := message_store.read_horizon();

  IF get_all_messages.condition IS NULL THEN
    RETURN QUERY
      SELECT m.id::varchar, m.stream_name::varchar, m.type::varchar, m.position::bigint,
             m.global_position::bigint, m.data::varchar, m.metadata::varchar, m.time::timestamp
        FROM message_store.messages m
       WHERE m.global_position >= get_all_messages."position"
         AND m.global_position <= _horizon
       ORDER BY m.global_position ASC
       LIMIT CASE WHEN batch_size = -1 THEN NULL ELSE batch_size END;
    RETURN;
  END IF;

  PERFORM message_store.require_sql_condition();
  _command := '
    SELECT id::varchar, stream_name::varchar, type::varchar, position::bigint,
           global_position::bigint, data::varchar, metadata::varchar, time::timestamp
      FROM message_store.messages
     WHERE global_position >= $1 AND global_position <= $3'
    || format(' AND (%s)', get_all_messages.condition)
    || ' ORDER BY global_position ASC';
  IF batch_size <> -1 THEN
    _command := _command || ' LIMIT $2';
  END IF;

  RETURN QUERY EXECUTE _command USING "position", batch_size, _horizon;
END;
$$ LANGUAGE plpgsql VOLATILE;

-- Ours: the messages of some categories up to `up_to` (capped at the read horizon), ordered by
-- the id part of their stream names, then global position: each entity's messages together
-- (`catalog:command-42` with `catalog-42`), so that a projection can be rebuilt in one pass
-- holding one entity at a time. Pass a horizon read beforehand (read_horizon()) to know how far
-- the result reaches.
CREATE OR REPLACE FUNCTION message_store.get_entity_messages(
  categories varchar[],
  up_to bigint
)
RETURNS SETOF message_store.message AS $$
DECLARE
  _horizon bigint := least(up_to, message_store.read_horizon());
BEGIN
  RETURN QUERY
    SELECT m.id::varchar, m.stream_name::varchar, m.type::varchar, m.position::bigint,
           m.global_position::bigint, m.data::varchar, m.metadata::varchar, m.time::timestamp
      FROM message_store.messages m
     WHERE message_store.category(m.stream_name) = ANY(get_entity_messages.categories)
       AND m.global_position <= _horizon
     ORDER BY message_store.id(m.stream_name), m.global_position;
END;
$$ LANGUAGE plpgsql VOLATILE;

CREATE OR REPLACE FUNCTION message_store.get_last_stream_message(
  stream_name varchar,
  "type" varchar DEFAULT NULL
)
RETURNS SETOF message_store.message AS $$
  SELECT id::varchar, m.stream_name::varchar, m.type::varchar, position::bigint,
         global_position::bigint, data::varchar, metadata::varchar, time::timestamp
    FROM message_store.messages m
   WHERE m.stream_name = $1
     AND ($2 IS NULL OR m.type = $2)
   ORDER BY position DESC
   LIMIT 1;
$$ LANGUAGE sql STABLE;

-- The role Message DB clients log in as: it may run the functions and read or append messages,
-- nothing else (no UPDATE, no DELETE, no DDL).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'message_store') THEN
    CREATE ROLE message_store WITH LOGIN;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA message_store TO message_store;
GRANT SELECT, INSERT ON message_store.messages TO message_store;
GRANT USAGE, SELECT ON SEQUENCE message_store.messages_global_position_seq TO message_store;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA message_store TO message_store;

-- =============================================================================================
-- Replies by origin, and Message DB's summary views
-- (Message DB's own functions above keep their exact semantics.)
-- =============================================================================================

-- The category a reply is addressed to: that of its `correlationStreamName` (Message DB's
-- vocabulary) or, when it has none, of its `originStreamName` (the workshop's, which sets no
-- correlation). NULL when it names neither.
CREATE OR REPLACE FUNCTION message_store.reply_category(metadata jsonb)
RETURNS varchar AS $$
  SELECT message_store.category(
    coalesce(metadata->>'correlationStreamName', metadata->>'originStreamName'));
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- Serves get_category_replies as a range scan in global order: a subscriber to the replies of
-- one origin reads none of the others. Partial: messages that reply to nothing are left out.
CREATE INDEX IF NOT EXISTS messages_reply
  ON message_store.messages (
    message_store.category(stream_name),
    message_store.reply_category(metadata),
    global_position
  )
  WHERE message_store.reply_category(metadata) IS NOT NULL;

-- Ours: the messages of `category` that reply to a stream of category `origin`, by
-- correlationStreamName or, without one, by originStreamName; otherwise exactly as
-- get_category_messages (position, batch size, consumer groups and their errors, read horizon).
CREATE OR REPLACE FUNCTION message_store.get_category_replies(
  category varchar,
  origin varchar,
  "position" bigint DEFAULT 1,
  batch_size bigint DEFAULT 1000,
  consumer_group_member bigint DEFAULT NULL,
  consumer_group_size bigint DEFAULT NULL
)
RETURNS SETOF message_store.message AS $$
DECLARE
  _horizon bigint;
BEGIN
  IF NOT message_store.is_category(get_category_replies.category) THEN
    RAISE EXCEPTION 'Must be a category: %', get_category_replies.category;
  END IF;
  IF origin IS NULL OR NOT message_store.is_category(origin) THEN
    RAISE EXCEPTION 'Origin must be a category (Origin: %)', origin;
  END IF;

  "position" := coalesce("position", 1);
  batch_size := coalesce(batch_size, 1000);

  PERFORM message_store.require_consumer_group(consumer_group_member, consumer_group_size);

  IF "position" > message_store.last_drawn_position() THEN
    RETURN;
  END IF;
  _horizon := message_store.read_horizon();

  RETURN QUERY
    SELECT m.id::varchar, m.stream_name::varchar, m.type::varchar, m.position::bigint,
           m.global_position::bigint, m.data::varchar, m.metadata::varchar, m.time::timestamp
      FROM message_store.messages m
     WHERE message_store.category(m.stream_name) = get_category_replies.category
       AND message_store.reply_category(m.metadata) = origin
       AND message_store.reply_category(m.metadata) IS NOT NULL
       AND m.global_position >= get_category_replies."position"
       AND m.global_position <= _horizon
       AND (consumer_group_size IS NULL
            OR mod(abs(message_store.hash_64(message_store.cardinal_id(m.stream_name))),
                   consumer_group_size) = consumer_group_member)
     ORDER BY m.global_position ASC
     LIMIT CASE WHEN batch_size = -1 THEN NULL ELSE batch_size END;
END;
$$ LANGUAGE plpgsql VOLATILE;

GRANT EXECUTE ON FUNCTION message_store.reply_category(jsonb) TO message_store;
GRANT EXECUTE ON FUNCTION
  message_store.get_category_replies(varchar, varchar, bigint, bigint, bigint, bigint)
  TO message_store;

-- Message DB 1.3's summary views, with its columns (name, message_count bigint, percent
-- numeric: the share of all messages, rounded to 2 places), order and grants, so that its
-- print-*-summary.sh scripts and dashboards work unchanged. They count the whole table.
CREATE OR REPLACE VIEW message_store.stream_summary AS
  SELECT stream_name,
         count(id) AS message_count,
         round(count(id) / (SELECT count(id)::decimal FROM message_store.messages) * 100, 2)
           AS percent
    FROM message_store.messages
   GROUP BY stream_name
   ORDER BY stream_name;

CREATE OR REPLACE VIEW message_store.type_summary AS
  SELECT type,
         count(id) AS message_count,
         round(count(id) / (SELECT count(id)::decimal FROM message_store.messages) * 100, 2)
           AS percent
    FROM message_store.messages
   GROUP BY type
   ORDER BY type;

CREATE OR REPLACE VIEW message_store.stream_type_summary AS
  SELECT stream_name,
         type,
         count(id) AS message_count,
         round(count(id) / (SELECT count(id)::decimal FROM message_store.messages) * 100, 2)
           AS percent
    FROM message_store.messages
   GROUP BY stream_name, type
   ORDER BY stream_name, type;

CREATE OR REPLACE VIEW message_store.type_stream_summary AS
  SELECT type,
         stream_name,
         count(id) AS message_count,
         round(count(id) / (SELECT count(id)::decimal FROM message_store.messages) * 100, 2)
           AS percent
    FROM message_store.messages
   GROUP BY type, stream_name
   ORDER BY type, stream_name;

CREATE OR REPLACE VIEW message_store.category_type_summary AS
  SELECT message_store.category(stream_name) AS category,
         type,
         count(id) AS message_count,
         round(count(id) / (SELECT count(id)::decimal FROM message_store.messages) * 100, 2)
           AS percent
    FROM message_store.messages
   GROUP BY 1, type
   ORDER BY 1, type;

CREATE OR REPLACE VIEW message_store.type_category_summary AS
  SELECT type,
         message_store.category(stream_name) AS category,
         count(id) AS message_count,
         round(count(id) / (SELECT count(id)::decimal FROM message_store.messages) * 100, 2)
           AS percent
    FROM message_store.messages
   GROUP BY type, 2
   ORDER BY type, 2;

GRANT SELECT ON
  message_store.stream_summary,
  message_store.type_summary,
  message_store.stream_type_summary,
  message_store.type_stream_summary,
  message_store.category_type_summary,
  message_store.type_category_summary
  TO message_store;

-- Erasure (the one exception to append-only) ---------------------------------------------------
-- When a person deletes a video, what they wrote or said must leave the store too. A message is
-- erased in place: its data keeps only the keys named in `keep` (identifiers) and, emptied to
-- "", the keys named in `blank` that it has (fields other readers expect: the workshop's
-- aggregator stops for good on a missing one), its metadata gains `erasedAt` (UTC, ISO 8601),
-- and everything else (id, stream, type, position, global position, time) stays, so streams
-- stay gapless and every reader still works; readers treat a message whose metadata has
-- `erasedAt` as erased. A message that holds nothing but kept keys (and emptied ones) has
-- nothing to erase and stays as it is (so `Deleted {videoId}` stays readable to everyone).
-- Idempotent: an erased message is left alone, so erasing a stream again only erases what was
-- written since. Returns how many it erased.
-- The old row versions are dead tuples from the commit on, invisible to every reader, and
-- gone from disk at the next (auto)vacuum; see docs/erasure.md.
-- It runs with its owner's rights (SECURITY DEFINER): only roles granted
-- `message_store_eraser` (and the owner) may call it; the `message_store` login role may not.
DROP FUNCTION IF EXISTS message_store.erase_stream(varchar, varchar[]);

CREATE OR REPLACE FUNCTION message_store.erase_stream(
  stream_name varchar,
  keep varchar[] DEFAULT '{}',
  blank varchar[] DEFAULT '{}'
)
RETURNS bigint AS $$
DECLARE
  _erased bigint;
  _keep varchar[] := coalesce(erase_stream.keep, '{}');
  _blank varchar[] := coalesce(erase_stream.blank, '{}');
BEGIN
  IF message_store.is_category(erase_stream.stream_name) THEN
    RAISE EXCEPTION 'Must be a stream name: %', erase_stream.stream_name;
  END IF;

  UPDATE message_store.messages m
     SET data = (SELECT coalesce(jsonb_object_agg(
                          e.key,
                          CASE WHEN e.key = ANY (_keep) THEN e.value ELSE '""'::jsonb END),
                        '{}'::jsonb)
                   FROM jsonb_each(CASE WHEN jsonb_typeof(m.data) = 'object' THEN m.data
                                        ELSE '{}'::jsonb END) e
                  WHERE e.key = ANY (_keep) OR e.key = ANY (_blank)),
         metadata = (CASE WHEN jsonb_typeof(m.metadata) = 'object' THEN m.metadata
                          ELSE '{}'::jsonb END)
                    || jsonb_build_object(
                         'erasedAt',
                         to_char(clock_timestamp() AT TIME ZONE 'utc',
                                 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
   WHERE m.stream_name = erase_stream.stream_name
     AND NOT coalesce(jsonb_typeof(m.metadata) = 'object' AND m.metadata ? 'erasedAt', false)
     AND (jsonb_typeof(m.data) IS DISTINCT FROM 'object'
          OR EXISTS (SELECT 1 FROM jsonb_each(m.data) e
                      WHERE e.key <> ALL (_keep)
                        AND NOT (e.key = ANY (_blank) AND e.value = '""'::jsonb)));
  GET DIAGNOSTICS _erased = ROW_COUNT;
  RETURN _erased;
END;
$$ LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = message_store, pg_temp;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'message_store_eraser') THEN
    CREATE ROLE message_store_eraser NOLOGIN;
  END IF;
END
$$;

REVOKE ALL ON FUNCTION message_store.erase_stream(varchar, varchar[], varchar[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION message_store.erase_stream(varchar, varchar[], varchar[])
  FROM message_store;
GRANT EXECUTE ON FUNCTION message_store.erase_stream(varchar, varchar[], varchar[])
  TO message_store_eraser;
