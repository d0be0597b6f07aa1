"""Pipeline benchmark: `Catalog` commands through every consumer to `Cataloged`.

Run with `./dev bench-pipeline` (or `python -m benchmarks.pipeline`). It creates two scratch
databases on the configured server, migrates them, starts one consumer process per component
with the simulated media backend (the point is the message flow, not ffmpeg), and prints:
- latency from command written to `Cataloged` (p50/p95/max, from the store's own timestamps),
  for single videos one at a time and for bursts of N;
- videos per second for the bursts;
- queries per second per consumer process while idle (transactions counted by PostgreSQL);
- with real media (`benchmarks.media`): seconds and peak memory to transcode and to transcribe
  a 10 s 640x360 spoken clip (budget: both within 2 s) and a 60 s 1280x720 one;
- the word error rate of speech recognition over several flite voices (`benchmarks.wer`).
Nothing here asserts: the figures are for people to read and compare.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = ("catalog", "transcode", "transcribe", "videos")
"""Every consumer of the system runs, as in production: the aggregator's work is part of a hop."""
SETTLE_SECONDS = 12.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", default="20,200", help="burst sizes (comma separated)")
    parser.add_argument("--singles", type=int, default=20, help="single videos, one at a time")
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--no-real-media", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()

    with scratch_databases() as env, consumers(env):
        import psycopg

        with psycopg.connect(env["MESSAGE_STORE_CONNINFO"], autocommit=True) as conn:
            wait_until_listening(conn)
            singles = [run_burst(conn, 1)[0][0] for _ in range(args.singles)]
            print_row("1 video at a time", singles, None)
            for size in (int(n) for n in args.bursts.split(",") if n):
                latencies, seconds = run_burst(conn, size)
                print_row(f"burst of {size}", latencies, size / seconds)
            idle = idle_queries_per_second(env, args.idle_seconds)
            print(
                f"\nidle: {idle:.2f} queries/s per consumer process ({len(COMPONENTS)} processes)"
            )

    if not args.no_real_media:
        real_media_figures()


@contextmanager
def scratch_databases():
    """Two throwaway databases on the configured server, migrated; dropped afterwards."""
    import psycopg
    from psycopg import sql

    from message_store.runtime import store_conninfo
    from tests.conftest import database_url

    suffix = uuid.uuid4().hex[:8]
    names = {"default": f"bench_videos_{suffix}", "message_store": f"bench_store_{suffix}"}
    admin = psycopg.conninfo.make_conninfo(store_conninfo(), dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    from django.db import connections

    urls = {}
    for alias, name in names.items():
        connections[alias].settings_dict["NAME"] = name
        urls[alias] = database_url(alias)
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = {
        **os.environ,
        "DATABASE_URL": urls["default"],
        "MESSAGE_STORE_URL": urls["message_store"],
        "MEDIA_ROOT": media,
        "SIMULATED_MEDIA": "true",
        "LOG_LEVEL": "WARNING",
        "MESSAGE_STORE_CONNINFO": psycopg.conninfo.make_conninfo(
            store_conninfo(), dbname=names["message_store"]
        ),
    }
    try:
        for database in ("default", "message_store"):
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--database", database, "-v", "0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
        yield env
    finally:
        for alias in names:
            connections[alias].close()
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names.values():
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@contextmanager
def consumers(env: dict[str, str]):
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "consume", name, "--log-level", "WARNING"],
            cwd=ROOT,
            env=env,
        )
        for name in COMPONENTS
    ]
    try:
        yield processes
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def wait_until_listening(conn, timeout: float = 30.0) -> None:
    """Consumers are ready when each has stored a LISTEN connection (pg_stat_activity)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listening = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query = 'LISTEN message_store'"
        ).fetchone()[0]
        if listening >= len(COMPONENTS):
            return
        time.sleep(0.1)
    raise RuntimeError("consumers did not start listening in time")


def run_burst(conn, size: int) -> tuple[list[float], float]:
    """Write `size` Catalog commands at once; wait for every Cataloged; latencies in ms."""
    from catalog.messages import Catalog, command_stream

    video_ids = [str(uuid.uuid4()) for _ in range(size)]
    with conn.transaction():
        for video_id in video_ids:
            data = Catalog(
                video_id=video_id, title="Bench", uri=f"uploads/{video_id}/original.mp4"
            ).to_data()
            conn.execute(
                "SELECT message_store.write_message(%s, %s, 'Catalog', %s::jsonb, %s::jsonb)",
                (
                    str(uuid.uuid4()),
                    command_stream(video_id),
                    _json(data),
                    _json({"traceId": str(uuid.uuid4())}),
                ),
            )
    streams = [f"catalog-{video_id}" for video_id in video_ids]
    wait_until_cataloged(conn, streams)
    rows = conn.execute(
        "SELECT c.time, d.time FROM message_store.messages d "
        "JOIN message_store.messages c ON c.stream_name = 'catalog:command-' || "
        "  message_store.id(d.stream_name) "
        "WHERE d.type = 'Cataloged' AND d.stream_name = ANY(%s)",
        (streams,),
    ).fetchall()
    latencies = [(done - written).total_seconds() * 1000 for written, done in rows]
    first_written = min(written for written, _ in rows)
    last_done = max(done for _, done in rows)
    return latencies, max((last_done - first_written).total_seconds(), 1e-6)


def wait_until_cataloged(conn, streams: list[str], timeout: float = 120.0) -> None:
    """Poll cheaply (recent catalog messages only, every 10 ms): the latencies come from the
    store's own timestamps, so polling faster would only load the server under test."""
    since = conn.execute("SELECT message_store.last_drawn_position()").fetchone()[0]
    wanted = set(streams)
    done: set[str] = set()
    deadline = time.monotonic() + timeout
    while len(done) < len(wanted):
        rows = conn.execute(
            "SELECT global_position, stream_name FROM message_store.messages "
            "WHERE message_store.category(stream_name) = 'catalog' AND type = 'Cataloged' "
            "AND global_position > %s ORDER BY global_position",
            (since,),
        ).fetchall()
        for position, stream in rows:
            since = position
            if stream in wanted:
                done.add(stream)
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(done)} of {len(wanted)} videos were cataloged in time")
        time.sleep(0.01)


def idle_queries_per_second(env: dict[str, str], seconds: float) -> float:
    """Transactions committed in both databases per second while nothing happens, per consumer
    process: after a settling time (the follow-up reads after the last burst back off to the
    poll interval), the median of one-second samples, so that PostgreSQL's own autovacuum
    after the bursts does not count as the consumers' idle cost."""
    import psycopg

    def committed() -> int:
        with psycopg.connect(env["MESSAGE_STORE_CONNINFO"], autocommit=True) as conn:
            return conn.execute(
                "SELECT sum(xact_commit + xact_rollback) FROM pg_stat_database "
                "WHERE datname IN (%s, %s)",
                (_db_name(env["DATABASE_URL"]), _db_name(env["MESSAGE_STORE_URL"])),
            ).fetchone()[0]

    time.sleep(SETTLE_SECONDS)
    samples = [committed()]
    for _ in range(max(1, int(seconds))):
        time.sleep(1.0)
        samples.append(committed())
    own_query = 1  # the measuring query, counted in the next sample
    per_second = [int(b - a) - own_query for a, b in itertools.pairwise(samples)]
    return statistics.median(per_second) / len(COMPONENTS)


def real_media_figures() -> None:
    from benchmarks.media import budget_figures
    from benchmarks.wer import wer_figures

    budget_figures()
    wer_figures()


def print_row(label: str, latencies: list[float], videos_per_second: float | None) -> None:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    rate = f"{videos_per_second:8.1f} videos/s" if videos_per_second else ""
    print(
        f"{label:<20} n={len(ordered):<4} p50 {statistics.median(ordered):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {ordered[-1]:7.1f} ms  {rate}"
    )


def _json(value: dict) -> str:
    import json

    return json.dumps(value)


def _db_name(url: str) -> str:
    return url.split("?", 1)[0].rsplit("/", 1)[-1]


if __name__ == "__main__":
    main()
