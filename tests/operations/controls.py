"""Controls for operations tests: management commands as an operator runs them, HTTP as a probe
sees it, and a PostgreSQL server of the test's own to restart and stop."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

from config import embedded_postgres
from message_store.messages import NewMessage
from message_store.status import ProcessStatus, read_processes
from message_store.store import MessageStore
from tests.consumers.controls import last_position, parked, transcode_command_example, wait_until
from tests.consumers.processes import ConsumerProcess, manage

__all__ = ["manage"]

SIMULATED = {"SIMULATED_MEDIA": "true"}


def three_handled_one_parked(store: MessageStore, consumer: ConsumerProcess) -> int:
    """Give a transcode consumer three commands and a malformed one; wait until it has handled
    them, parked the malformed one and stored its position; return that position."""
    malformed = NewMessage(
        id="7d000000-0000-4000-9000-0000000000ff",
        stream_name="transcode:command-7d000000-0000-4000-8000-0000000000ff",
        type="Transcode",
        data={"transcodeId": "7d000000-0000-4000-8000-0000000000ff"},  # no uri
    )
    store.write_batch([*(transcode_command_example(n) for n in range(1, 4)), malformed])
    last = max(m.global_position for m in store.read("transcode:command", batch_size=-1))
    wait_until(
        lambda: last_position(store, "transcode") == last and parked(),
        timeout=30,
        what="the commands handled, one parked, and the position stored",
        details=consumer.log_text,
    )
    return last


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, *, timeout: float = 20) -> tuple[int, str]:
    """(status, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get_json(url: str) -> tuple[int, dict]:
    status, body = get(url)
    return status, json.loads(body)


def process_status(store: MessageStore, consumer: ConsumerProcess) -> ProcessStatus | None:
    """The heartbeat of a consumer process, as `manage.py status` reads it."""
    return next((p for p in read_processes(store) if p.pid == consumer.pid), None)


class ScratchServer:
    """An embedded PostgreSQL of the test's own, with both databases migrated: for tests that
    restart or stop the server, which the shared test server must never be."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.urls: dict[str, str] = {}

    def start(self) -> None:
        embedded_postgres._socket_dirs.pop(self.data_dir.resolve(), None)  # as a new process
        self.urls = {
            "DATABASE_URL": embedded_postgres.database_url(self.data_dir, "videos"),
            "MESSAGE_STORE_URL": embedded_postgres.database_url(self.data_dir, "message_store"),
        }

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, **self.urls}

    @property
    def conninfo(self) -> str:
        return self.urls["MESSAGE_STORE_URL"].replace("postgres://", "postgresql://")

    def migrate(self) -> None:
        for database in ("default", "message_store"):
            completed = manage("migrate", "--database", database, "-v", "0", env=self.env)
            assert completed.returncode == 0, completed.stderr

    def restart(self, mode: str) -> None:
        """Restart (pg_ctl waits until it accepts connections again)."""
        assert embedded_postgres.restart(self.data_dir, mode)

    def stop(self) -> None:
        embedded_postgres.stop(self.data_dir)

    def accepts(self) -> bool:
        try:
            psycopg.connect(self.conninfo, connect_timeout=2).close()
        except psycopg.OperationalError:
            return False
        return True

    def wait_until_accepting(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.accepts():
            assert time.monotonic() < deadline, "the scratch server does not accept connections"
            time.sleep(0.01)
