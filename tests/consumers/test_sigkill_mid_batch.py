"""The catalog handles each read batch in one transaction. Killed with SIGKILL while such a
transaction is open (its writes are rolled back), then restarted, it still catalogs every video
exactly once and starts no job twice."""

from __future__ import annotations

import time

import psycopg
import pytest

from catalog import messages as catalog_messages
from message_store.store import MessageStore
from tests.catalog import controls as catalog
from tests.consumers.controls import parked, wait_until
from tests.consumers.processes import ConsumerProcesses
from tests.consumers.test_sigkill_restart import SIMULATED, count
from transcode import messages as transcode_messages
from transcribe import messages as transcribe_messages

VIDEOS = [catalog.video_id_example(n) for n in range(1, 121)]
APPLICATION_NAME = "catalog-under-test"
KILLS = 3


def named(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}application_name={APPLICATION_NAME}"


def open_batch_transaction(sql: psycopg.Connection, deadline: float) -> int | None:
    """The transaction id of a catalog batch that has written and not committed, if one shows
    up before the deadline (a transaction idle between two statements is one)."""
    query = (
        "SELECT backend_xid::text::bigint FROM pg_stat_activity WHERE application_name = %s"
        " AND state = 'idle in transaction' AND backend_xid IS NOT NULL"
    )
    while time.monotonic() < deadline:
        row = sql.execute(query, (APPLICATION_NAME,)).fetchone()
        if row:
            return row[0]
    return None


def status(sql: psycopg.Connection, xid: int) -> str | None:
    """'committed', 'aborted' or 'in progress' (the 32-bit xid placed in today's epoch)."""
    epoch = sql.execute("SELECT pg_current_xact_id()::text::bigint >> 32").fetchone()[0]
    query = "SELECT pg_xact_status(%s::text::xid8)"
    return sql.execute(query, ((epoch << 32) | xid,)).fetchone()[0]


@pytest.mark.slow
def test_killed_mid_batch_then_restarted_every_video_is_cataloged_once(
    store: MessageStore, consumer_processes: ConsumerProcesses
) -> None:
    store.write_batch([catalog.catalog_example(v, n=i) for i, v in enumerate(VIDEOS)])
    workers = [
        consumer_processes.start(component, env=SIMULATED)
        for component in ("transcode", "transcribe")
    ]
    env = {**SIMULATED, "MESSAGE_STORE_URL": named(consumer_processes.env["MESSAGE_STORE_URL"])}
    rolled_back = 0
    with psycopg.connect(store.conninfo, autocommit=True) as sql:
        for _ in range(KILLS):
            if count(store, "Cataloged") == len(VIDEOS):
                break
            catalog_process = consumer_processes.start("catalog", "--batch-size", "40", env=env)
            xid = open_batch_transaction(sql, time.monotonic() + 30)
            catalog_process.kill()
            if xid is not None:
                wait_until(
                    lambda xid=xid: status(sql, xid) != "in progress",
                    timeout=10,
                    what="the killed transaction to end",
                )
                rolled_back += status(sql, xid) == "aborted"
    assert rolled_back, "no kill landed inside a batch transaction"
    assert count(store, "Cataloged") < len(VIDEOS), "killed too late to test anything"

    last = consumer_processes.start("catalog", "--batch-size", "40", env=SIMULATED)
    wait_until(
        lambda: count(store, "Cataloged") >= len(VIDEOS),
        timeout=90,
        interval=0.2,
        what="every video to be cataloged",
        details=consumer_processes.logs,
    )
    assert [p.terminate() for p in (last, *workers)] == [0, 0, 0], consumer_processes.logs()

    for video_id in VIDEOS:
        events = [e.type for e in store.read_stream(catalog_messages.entity_stream(video_id))]
        assert events == ["Started", "Transcoded", "Transcribed", "Cataloged"], video_id
    assert len(store.read("transcode", batch_size=-1)) == len(VIDEOS)
    assert len(store.read("transcribe", batch_size=-1)) == len(VIDEOS)
    transcode_commands = store.read("transcode:command", batch_size=-1)
    assert sorted(m.stream_name for m in transcode_commands) == sorted(
        transcode_messages.command_stream(catalog_messages.transcode_id(v)) for v in VIDEOS
    )
    assert len(store.read("transcribe:command", batch_size=-1)) == len(VIDEOS)
    assert {
        m.position for m in store.read(transcribe_messages.COMMAND_CATEGORY, batch_size=-1)
    } == {0}
    assert parked() == []
