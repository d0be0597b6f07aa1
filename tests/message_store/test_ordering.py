"""No reader ever skips a committed message, however writers interleave their commits.

This is the main promise of the store beyond Message DB (see "Where Message DB stops" in the
interface document). Transactions draw global positions in one order and commit in another; a
reader that simply advanced past the highest position it had seen would skip a message whose
transaction commits late. The read horizon prevents it: category and whole-store reads stop below
the lowest position a still-running writer may yet commit.

The concurrent test runs 8 writer threads (each with its own connection; psycopg releases the GIL
while it waits on the server) with transactions of varied sizes, sleeps inside transactions and
occasional rollbacks, while subscribers read and advance their position like real consumers. A
naive reader without the horizon runs beside them to show that the hazard really occurred.
The deterministic tests pin the horizon's behaviour one step at a time.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
import psycopg.errors
import pytest

from tests.message_store.controls import WRITE, stream_name_example, table_rows, write_raw

WRITERS = 8
MESSAGES_PER_WRITER = 2000
SHARED_CATEGORY = "ordering"
CATEGORIES = (SHARED_CATEGORY, "orderingB", "orderingC")
READ_BATCH = 100

CATEGORY_READ = "SELECT id, global_position FROM message_store.get_category_messages(%s, %s, %s)"
ALL_READ = "SELECT id, global_position FROM message_store.get_all_messages(%s, %s)"
NAIVE_READ = (
    "SELECT id::text, global_position FROM message_store.messages "
    "WHERE global_position >= %s ORDER BY global_position LIMIT %s"
)


# The concurrent proof ------------------------------------------------------------------------


@dataclass
class WriterLog:
    committed: list[str] = field(default_factory=list)
    rolled_back: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    error: BaseException | None = None


@dataclass
class ReaderLog:
    seen: list[tuple[str, int]] = field(default_factory=list)
    batches: list[tuple[float, int]] = field(default_factory=list)
    error: BaseException | None = None


def write_transactions(connect, number: int, start: threading.Barrier, log: WriterLog) -> None:
    """One writer: a mix of single writes and multi-message transactions, some rolled back.

    Writers 0-3 write only to the shared category; writers 4-7 spread across all three. Even
    writers use transactions of 1-8 messages with short sleeps inside them, so that a transaction
    holds its early global positions while other writers draw and commit later ones.
    Multi-message transactions write only to the writer's own streams and single writes may use
    streams shared by every writer, so per-stream locks never form a cycle.
    """
    rng = random.Random(number)
    categories = CATEGORIES if number >= 4 else (SHARED_CATEGORY,)
    connection = connect()
    try:
        start.wait()
        log.started = time.monotonic()
        written = 0
        while written < MESSAGES_PER_WRITER:
            size = rng.randint(1, 8) if number % 2 == 0 else 1
            size = min(size, MESSAGES_PER_WRITER - written)
            roll_back = rng.random() < 0.03
            ids = [str(uuid.uuid4()) for _ in range(size)]
            if size == 1 and not roll_back:
                category = rng.choice(categories)
                stream = stream_name_example(f"shared{rng.randrange(4)}", category=category)
                connection.execute(WRITE, (ids[0], stream, "Written", "{}", None, None))
                log.committed.extend(ids)
                written += 1
                continue
            with connection.transaction():
                for message_id in ids:
                    category = rng.choice(categories)
                    own = f"w{number}s{rng.randrange(10)}"
                    stream = stream_name_example(own, category=category)
                    connection.execute(WRITE, (message_id, stream, "Written", "{}", None, None))
                    time.sleep(rng.uniform(0, 0.002))
                if roll_back:
                    raise psycopg.Rollback()
            if roll_back:
                log.rolled_back.extend(ids)
            else:
                log.committed.extend(ids)
                written += size
    except BaseException as error:  # reported by the test, not lost in the thread
        log.error = error
    finally:
        log.finished = time.monotonic()
        connection.close()


def subscribe(
    connect,
    query: str,
    scope: tuple,
    start: threading.Barrier,
    writing: threading.Event,
    log: ReaderLog,
) -> None:
    """A subscriber: read a batch from `position`, then continue from the last seen + 1.

    It stops at the first empty read after every writer has finished.
    """
    connection = connect()
    position = 1
    try:
        start.wait()
        while True:
            finished = not writing.is_set()
            started = time.monotonic()
            rows = connection.execute(query, (*scope, position, READ_BATCH)).fetchall()
            log.batches.append((started, len(rows)))
            if rows:
                log.seen.extend((str(message_id), gp) for message_id, gp in rows)
                position = rows[-1][1] + 1
            elif finished:
                return
            else:
                time.sleep(0.001)
    except BaseException as error:
        log.error = error
    finally:
        connection.close()


def scope_of(rows: list[tuple], category: str | None) -> list[tuple[str, int]]:
    return [
        (message_id, gp)
        for gp, stream, _, message_id in rows
        if category is None or stream.split("-", 1)[0] == category
    ]


@pytest.mark.slow
def test_concurrent_writers_never_make_a_reader_skip_a_message(connect, sql):
    readers: dict[str, tuple[str, tuple]] = {
        "category ordering": (CATEGORY_READ, (SHARED_CATEGORY,)),
        "category orderingC": (CATEGORY_READ, ("orderingC",)),
        "all": (ALL_READ, ()),
        "naive": (NAIVE_READ, ()),
    }
    start = threading.Barrier(WRITERS + len(readers))
    writing = threading.Event()
    writing.set()
    writer_logs = [WriterLog() for _ in range(WRITERS)]
    reader_logs = {name: ReaderLog() for name in readers}
    writer_threads = [
        threading.Thread(target=write_transactions, args=(connect, n, start, writer_logs[n]))
        for n in range(WRITERS)
    ]
    reader_threads = [
        threading.Thread(
            target=subscribe, args=(connect, query, scope, start, writing, reader_logs[name])
        )
        for name, (query, scope) in readers.items()
    ]
    for thread in writer_threads + reader_threads:
        thread.start()
    for thread in writer_threads:
        thread.join(timeout=120)
    writing.clear()
    for thread in reader_threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in writer_threads + reader_threads)
    assert [log.error for log in writer_logs] == [None] * WRITERS
    assert {name: log.error for name, log in reader_logs.items()} == dict.fromkeys(readers)

    rows = table_rows(sql)
    committed = {message_id for log in writer_logs for message_id in log.committed}
    rolled_back = {message_id for log in writer_logs for message_id in log.rolled_back}
    assert len(committed) == WRITERS * MESSAGES_PER_WRITER
    assert {row[3] for row in rows} == committed
    assert rolled_back
    first_writer_done = min(log.finished for log in writer_logs)
    assert max(log.started for log in writer_logs) < first_writer_done

    for name, category in [
        ("category ordering", SHARED_CATEGORY),
        ("category orderingC", "orderingC"),
        ("all", None),
    ]:
        log = reader_logs[name]
        expected = scope_of(rows, category)
        positions = [gp for _, gp in log.seen]
        assert all(a < b for a, b in itertools.pairwise(positions)), name
        assert len(log.seen) == len({message_id for message_id, _ in log.seen}), name
        missing = {message_id for message_id, _ in expected} - {m for m, _ in log.seen}
        assert missing == set(), f"{name} skipped {len(missing)} messages"
        assert log.seen == expected, name
        read_while_writing = sum(n for started, n in log.batches if started < first_writer_done)
        assert 0 < read_while_writing < len(expected), f"{name} did not read while writing"

    naive_seen = {message_id for message_id, _ in reader_logs["naive"].seen}
    naive_skipped = len(committed - naive_seen)
    print(f"naive reader skipped {naive_skipped} of {len(committed)} messages")
    assert naive_skipped > 0, (
        "a reader without the horizon skipped nothing: commits never overtook each other, "
        "so this run did not exercise the hazard"
    )


# The horizon, step by step -------------------------------------------------------------------


def category_reader(connection: psycopg.Connection, category: str) -> Callable[[], list]:
    def read() -> list[tuple[str, int]]:
        return connection.execute(CATEGORY_READ, (category, 1, 1000)).fetchall()

    return read


def all_reader(connection: psycopg.Connection) -> Callable[[], list]:
    def read() -> list[tuple[str, int]]:
        return connection.execute(ALL_READ, (1, 1000)).fetchall()

    return read


def naive_positions(connection: psycopg.Connection) -> list[int]:
    return [row[1] for row in connection.execute(NAIVE_READ, (1, 1000)).fetchall()]


def test_a_reader_does_not_pass_a_write_that_commits_late(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    read_category = category_reader(sql, "race")
    read_all = all_reader(sql)

    write_raw(writer_a, 1, stream_name="race-a")
    write_raw(writer_b, 2, stream_name="race-b")

    assert naive_positions(sql) == [2]  # a reader without the horizon would move past 1
    assert read_category() == []
    assert read_all() == []

    write_raw(writer_a, 3, stream_name="race-a")
    assert read_category() == []

    writer_a.commit()

    assert [gp for _, gp in read_category()] == [1, 2, 3]
    assert [gp for _, gp in read_all()] == [1, 2, 3]


def test_a_reader_reads_up_to_the_horizon_then_resumes_from_there(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    write_raw(writer_b, 1, stream_name="race-b")
    write_raw(writer_a, 2, stream_name="race-a")
    write_raw(writer_b, 3, stream_name="race-b")

    first = sql.execute(CATEGORY_READ, ("race", 1, 1000)).fetchall()
    assert [gp for _, gp in first] == [1]

    writer_a.commit()

    rest = sql.execute(CATEGORY_READ, ("race", first[-1][1] + 1, 1000)).fetchall()
    assert [gp for _, gp in rest] == [2, 3]


def test_a_rolled_back_writer_does_not_hold_readers_back_afterwards(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    read_category = category_reader(sql, "race")
    write_raw(writer_a, 1, stream_name="race-a")
    write_raw(writer_b, 2, stream_name="race-b")
    assert read_category() == []

    writer_a.rollback()

    assert [gp for _, gp in read_category()] == [2]
    write_raw(writer_a, 3, stream_name="race-a")
    writer_a.commit()
    assert [gp for _, gp in read_category()] == [2, 3]


def test_a_writer_whose_connection_dies_does_not_hold_readers_back(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    write_raw(writer_a, 1, stream_name="race-a")
    write_raw(writer_b, 2, stream_name="race-b")
    assert category_reader(sql, "race")() == []

    pid = writer_a.info.backend_pid
    assert sql.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,)).fetchone() == (True,)

    assert [gp for _, gp in category_reader(sql, "race")()] == [2]


def test_an_open_transaction_holds_readers_back_only_from_its_first_write(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    read_category = category_reader(sql, "race")
    writer_a.execute("SELECT 1")  # a transaction is open, nothing written yet

    write_raw(writer_b, 1, stream_name="race-b")
    assert [gp for _, gp in read_category()] == [1]

    write_raw(writer_a, 2, stream_name="race-a")
    write_raw(writer_b, 3, stream_name="race-b")
    assert [gp for _, gp in read_category()] == [1]

    writer_a.commit()
    assert [gp for _, gp in read_category()] == [1, 2, 3]


def advertisements(sql: psycopg.Connection, pid: int) -> int:
    """How many read-horizon advertisements (shared advisory locks tagged 0x4D53) `pid` holds."""
    return sql.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"
        " AND (classid::bigint >> 16) = 19795 AND pid = %s",
        (pid,),
    ).fetchone()[0]


def horizon(sql: psycopg.Connection) -> int:
    return sql.execute("SELECT message_store.read_horizon()").fetchone()[0]


def test_a_transaction_advertises_once_however_many_messages_it_writes(connect, sql):
    writer_b = connect()
    write_raw(writer_b, 1, stream_name="race-b")
    writer_a = connect(autocommit=False)
    for n in (2, 3, 4):
        write_raw(writer_a, n, stream_name=f"race-a{n}")

    assert advertisements(sql, writer_a.info.backend_pid) == 1
    assert horizon(sql) == 1
    writer_a.commit()
    assert advertisements(sql, writer_a.info.backend_pid) == 0
    write_raw(writer_a, 5, stream_name="race-a")
    assert advertisements(sql, writer_a.info.backend_pid) == 1  # a new transaction, anew
    writer_a.commit()


def test_a_write_rolled_back_to_a_savepoint_leaves_the_next_one_to_advertise(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    writer_a.execute("SAVEPOINT s")
    write_raw(writer_a, 1, stream_name="race-a")
    writer_a.execute("ROLLBACK TO SAVEPOINT s")
    assert advertisements(sql, writer_a.info.backend_pid) == 0
    write_raw(writer_b, 2, stream_name="race-b")

    write_raw(writer_a, 3, stream_name="race-a")

    assert advertisements(sql, writer_a.info.backend_pid) == 1
    assert horizon(sql) == 2
    writer_a.commit()
    assert [gp for _, gp in category_reader(sql, "race")()] == [2, 3]


def test_a_stream_reader_is_not_held_back_by_a_writer_of_another_stream(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    write_raw(writer_a, 1, stream_name="race-a")
    write_raw(writer_b, 2, stream_name="race-b")

    rows = sql.execute("SELECT * FROM message_store.get_stream_messages('race-b')").fetchall()

    assert [row[4] for row in rows] == [2]
    writer_a.rollback()


@pytest.mark.parametrize("isolation", ["REPEATABLE READ", "SERIALIZABLE"])
def test_a_reader_with_a_transaction_wide_snapshot_is_refused_rather_than_skipping(
    connect, isolation
):
    """Its snapshot could predate a late commit below the horizon (A here): it would see B,
    move past A, and never read A. The store refuses the read instead."""
    writer_a = connect(autocommit=False)
    writer_b = connect()
    reader = connect(autocommit=False)
    reader.execute(f"SET TRANSACTION ISOLATION LEVEL {isolation}")
    write_raw(writer_a, 1, stream_name="race-a")
    write_raw(writer_b, 2, stream_name="race-b")
    reader.execute("SELECT 1")  # the reader's snapshot: B committed, A not yet
    writer_a.commit()

    for query, params in [(CATEGORY_READ, ("race", 1, 1000)), (ALL_READ, (1, 1000))]:
        with pytest.raises(psycopg.errors.RaiseException) as caught:
            reader.execute(query, params)
        assert caught.value.diag.message_primary == (
            "Category and whole-store reads need READ COMMITTED isolation "
            f"(Transaction Isolation: {isolation.lower()})"
        )
        reader.rollback()
        reader.execute(f"SET TRANSACTION ISOLATION LEVEL {isolation}")


def test_a_reader_inside_a_read_committed_transaction_sees_late_commits(connect):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    reader = connect(autocommit=False)
    write_raw(writer_a, 1, stream_name="race-a")
    write_raw(writer_b, 2, stream_name="race-b")
    assert reader.execute(CATEGORY_READ, ("race", 1, 1000)).fetchall() == []

    writer_a.commit()

    rows = reader.execute(CATEGORY_READ, ("race", 1, 1000)).fetchall()
    assert [gp for _, gp in rows] == [1, 2]
    reader.commit()
