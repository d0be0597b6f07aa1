"""`manage.py print_messages --follow` keeps printing what is written after it started, woken by
the store's commit notifications (not by its slow safety poll), and exits 0 on Ctrl-C."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import psycopg
from django.core.management import call_command

from message_store.messages import NewMessage
from message_store.store import MessageStore

BASE_DIR = Path(__file__).resolve().parents[2]
POLL_INTERVAL = 60
"""Far longer than any wait below: a message that arrives in time came by notification."""


def message(n: int, stream_name: str = "followed-1") -> NewMessage:
    return NewMessage(
        id=f"00000000-0000-4000-8000-{n:012d}",
        stream_name=stream_name,
        type="Started",
        data={"n": n},
    )


def wait_until_listening(store: MessageStore, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(store.conninfo, autocommit=True) as connection:
        while time.monotonic() < deadline:
            listening = connection.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query = 'LISTEN message_store'"
            ).fetchone()[0]
            if listening:
                return
            time.sleep(0.05)
    raise AssertionError("print_messages --follow never LISTENed")


def read_lines(stream, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def test_follow_with_a_limit_returns_once_the_new_messages_are_printed(store: MessageStore):
    store.write(message(1))
    out = StringIO()
    command = threading.Thread(
        target=call_command,
        args=("print_messages", "followed"),
        kwargs={"follow": True, "limit": 2, "poll_interval": POLL_INTERVAL, "stdout": out},
        daemon=True,
    )
    started = time.monotonic()
    command.start()
    wait_until_listening(store)
    store.write(message(2, stream_name="other-1"))
    store.write(message(3))
    command.join(timeout=20)

    assert not command.is_alive(), "print_messages --follow --limit 2 did not return"
    assert time.monotonic() - started < POLL_INTERVAL
    assert [line.split()[1] for line in out.getvalue().splitlines()] == [
        "followed-1@0",
        "followed-1@1",
    ]


def test_follow_prints_new_messages_until_ctrl_c(store: MessageStore, store_env):
    store.write(message(1))
    child = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "print_messages",
            "followed",
            "--follow",
            "--json",
            "--poll-interval",
            str(POLL_INTERVAL),
        ],
        cwd=BASE_DIR,
        env={**store_env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=read_lines, args=(child.stdout, lines), daemon=True).start()
    try:
        first = json.loads(lines.get(timeout=30))
        store.write(message(2))
        second = json.loads(lines.get(timeout=10))

        child.send_signal(signal.SIGINT)
        returncode = child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    stderr = child.stderr.read()

    assert (first["position"], second["position"]) == (0, 1)
    assert second["data"] == {"n": 2}
    assert returncode == 0, stderr
    assert "Traceback" not in stderr
