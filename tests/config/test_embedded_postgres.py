"""The embedded PostgreSQL: starts on demand with both databases, is shared by processes,
survives a client killed with SIGKILL, recovers from a crashed server's stale postmaster.pid
(dead or reused PID), and stops with one call."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from config import embedded_postgres

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path: Path):
    folder = tmp_path / "pg"
    yield folder
    embedded_postgres._socket_dirs.pop(folder.resolve(), None)
    with contextlib.suppress(Exception):  # already stopped, or killed by the test
        embedded_postgres.stop(folder)


def fresh_url(data_dir: Path, database: str = "videos") -> str:
    """database_url() as a new process would call it (no per-process memo)."""
    embedded_postgres._socket_dirs.pop(data_dir.resolve(), None)
    return embedded_postgres.database_url(data_dir, database)


def answer(url: str) -> int:
    with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=5) as conn:
        return conn.execute("SELECT 1").fetchone()[0]


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().splitlines()[0])


def test_starts_with_both_databases(data_dir: Path) -> None:
    for database in embedded_postgres.DATABASES:
        assert answer(fresh_url(data_dir, database)) == 1


def test_a_client_killed_with_sigkill_leaves_the_server_usable(data_dir: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from config import embedded_postgres; "
        f"embedded_postgres.database_url(Path({str(data_dir)!r}), 'videos'); "
        "print('up', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "up"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)

    assert answer(fresh_url(data_dir)) == 1


def test_a_crashed_server_is_started_again(data_dir: Path) -> None:
    fresh_url(data_dir)
    os.kill(postmaster_pid(data_dir), signal.SIGKILL)
    time.sleep(1.0)  # its backends notice and exit
    assert (data_dir / "postmaster.pid").exists()

    assert answer(fresh_url(data_dir)) == 1


def test_a_stale_pid_file_naming_a_live_other_process_is_ignored(data_dir: Path) -> None:
    fresh_url(data_dir)
    pid_file = data_dir / "postmaster.pid"
    lines = pid_file.read_text().splitlines(keepends=True)
    assert embedded_postgres.stop(data_dir)
    pid_file.write_text(f"{os.getpid()}\n" + "".join(lines[1:]))

    assert answer(fresh_url(data_dir)) == 1


def test_stop_stops_it(data_dir: Path) -> None:
    url = fresh_url(data_dir)

    assert embedded_postgres.stop(data_dir)
    with pytest.raises(psycopg.OperationalError):
        answer(url)
    assert not embedded_postgres.stop(data_dir)
