"""Writers serialize per stream and only per stream.

Racing writers with the same expected version: exactly one wins, every other gets a
`VersionConflictError` with the right versions. Writers to different streams of one category
never wait for each other (Message DB would make them: it locks the whole category), while two
writers to the same stream do, and the expected version is checked after the wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
import psycopg.errors
import pytest

from message_store.errors import VersionConflictError
from message_store.messages import NewMessage, new_id
from message_store.store import MessageStore
from tests.message_store.controls import (
    count_messages,
    message_example,
    stream_name_example,
    write_raw,
)

RACERS = 16
STREAM = stream_name_example("1")


def wait_until(condition: Callable[[], bool], *, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


def advisory_waiters(connection: psycopg.Connection) -> list[int]:
    """Backends waiting for an advisory lock (a stream's write lock)."""
    rows = connection.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ).fetchall()
    return [pid for (pid,) in rows]


class InThread:
    """Runs a call in a thread and keeps its result or its error."""

    def __init__(self, call: Callable[[], object]) -> None:
        self.result: object = None
        self.error: BaseException | None = None
        self._call = call
        self._thread = threading.Thread(target=self._run)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.result = self._call()
        except BaseException as error:
            self.error = error

    def join(self, timeout: float = 10.0) -> InThread:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the call did not finish"
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


@pytest.fixture
def wide_store(store: MessageStore):
    """A client with a connection for every racer."""
    client = MessageStore(store.conninfo, max_connections=RACERS)
    yield client
    client.close()


def race(client: MessageStore, expected_version: int, first: int = 100) -> list[InThread]:
    return [
        InThread(lambda n=n: client.write(message_example(n, expected_version=expected_version)))
        for n in range(first, first + RACERS)
    ]


def outcomes(racers: list[InThread]) -> tuple[list[int], list[BaseException]]:
    for racer in racers:
        racer.join()
    return (
        [racer.result for racer in racers if racer.error is None],
        [racer.error for racer in racers if racer.error is not None],
    )


@pytest.mark.parametrize("existing", [0, 3])
def test_racing_writers_with_one_expected_version_exactly_one_wins(
    store, wide_store, connect, sql, existing
):
    for n in range(1, existing + 1):
        store.write(message_example(n))
    expected_version = existing - 1
    holder = connect(autocommit=False)
    holder.execute("SELECT message_store.acquire_lock(%s)", (STREAM,))

    racers = race(wide_store, expected_version)
    wait_until(lambda: len(advisory_waiters(sql)) == RACERS)
    holder.rollback()
    positions, errors = outcomes(racers)

    assert positions == [existing]
    assert len(errors) == RACERS - 1
    assert all(isinstance(error, VersionConflictError) for error in errors)
    assert {(e.stream_name, e.expected_version, e.actual_version) for e in errors} == {
        (STREAM, expected_version, existing)
    }
    assert count_messages(sql) == existing + 1


def test_racing_writers_on_a_new_stream_without_a_referee(wide_store, sql):
    positions, errors = outcomes(race(wide_store, -1))
    assert positions == [0]
    assert {(e.stream_name, e.expected_version, e.actual_version) for e in errors} == {
        (STREAM, -1, 0)
    }
    assert count_messages(sql) == 1


def test_writers_without_expected_version_all_append_gaplessly(wide_store, sql):
    positions, errors = outcomes(race(wide_store, None))
    assert errors == []
    assert sorted(positions) == list(range(RACERS))
    rows = sql.execute("SELECT position FROM message_store.messages ORDER BY position").fetchall()
    assert [row[0] for row in rows] == list(range(RACERS))


def test_writers_to_different_streams_of_one_category_do_not_wait_for_each_other(connect, sql):
    writers = [connect(autocommit=False) for _ in range(3)]
    for writer in writers:
        writer.execute("SET lock_timeout = '1s'")
    started = time.monotonic()
    for n, writer in enumerate(writers, start=1):
        assert write_raw(writer, n, stream_name=stream_name_example(n)) == 0
    assert time.monotonic() - started < 1.0
    assert advisory_waiters(sql) == []

    for writer in reversed(writers):
        writer.commit()
    assert count_messages(sql) == 3


def test_a_writer_commits_while_another_stream_of_its_category_is_open(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    writer_b.execute("SET lock_timeout = '1s'")
    write_raw(writer_a, 1, stream_name=stream_name_example(1))

    assert write_raw(writer_b, 2, stream_name=stream_name_example(2)) == 0

    version = sql.execute("SELECT message_store.stream_version(%s)", (stream_name_example(2),))
    assert version.fetchone() == (0,)
    writer_a.rollback()


def test_writers_to_the_same_stream_wait_for_each_other(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    write_raw(writer_a, 1, stream_name=STREAM)

    second = InThread(lambda: write_raw(writer_b, 2, stream_name=STREAM))
    wait_until(lambda: writer_b.info.backend_pid in advisory_waiters(sql))
    time.sleep(0.2)
    assert second.running
    assert count_messages(sql) == 0

    writer_a.commit()

    assert second.join().error is None
    assert second.result == 1


def test_the_expected_version_is_checked_after_waiting_for_the_stream(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    write_raw(writer_a, 1, stream_name=STREAM)

    second = InThread(lambda: write_raw(writer_b, 2, stream_name=STREAM, expected_version=-1))
    wait_until(lambda: writer_b.info.backend_pid in advisory_waiters(sql))
    writer_a.commit()

    error = second.join().error
    assert isinstance(error, psycopg.errors.RaiseException)
    assert error.diag.message_primary == (
        f"Wrong expected version: -1 (Stream: {STREAM}, Stream Version: 0)"
    )
    assert count_messages(sql) == 1


def test_a_blocked_writer_proceeds_when_the_holder_rolls_back(connect, sql):
    writer_a = connect(autocommit=False)
    writer_b = connect()
    write_raw(writer_a, 1, stream_name=STREAM)

    second = InThread(lambda: write_raw(writer_b, 2, stream_name=STREAM, expected_version=-1))
    wait_until(lambda: writer_b.info.backend_pid in advisory_waiters(sql))
    writer_a.rollback()

    assert second.join().error is None
    assert second.result == 0


def test_batches_touching_the_same_streams_in_opposite_orders_do_not_deadlock(wide_store):
    """Each batch locks its streams in one global order first, so opposite orders just wait."""

    def batches(order: tuple[str, str]) -> int:
        for _ in range(60):
            wide_store.write_batch(
                [NewMessage(id=new_id(), stream_name=name, type="Paired") for name in order]
            )
        return 60

    forward = InThread(lambda: batches(("pair-a", "pair-b")))
    backward = InThread(lambda: batches(("pair-b", "pair-a")))
    for racer in (forward, backward):
        racer.join(timeout=60)
        assert racer.error is None, racer.error
    assert wide_store.stream_version("pair-a") == wide_store.stream_version("pair-b") == 119
