"""Pipeline benchmark: `Catalog` commands through every consumer to `Cataloged`.

Run with `./dev bench-pipeline` (or `python -m benchmarks.pipeline`). It creates scratch
databases on the configured server, migrates them, starts one consumer process per component
with the simulated media backend (the point is the message flow, not ffmpeg), and prints, for
the previous design (`consume --one-transaction-per-message`) and today's (a read batch per
transaction) side by side, each in databases of its own:
- latency from command written to `Cataloged` (p50/p95, from the store's own timestamps), for
  single videos one at a time and for bursts of N;
- videos per second for the bursts;
- CPU milliseconds per video in each consumer process and in PostgreSQL during the largest
  burst (from /proc, when the server runs on this machine), which says what bounds the rate;
- queries per second per consumer process while idle (transactions counted by PostgreSQL);
- `manage.py rebuild_videos` over N catalog messages (happy paths of N/5 videos, written
  straight into a scratch store): messages per second and the command's peak memory (RSS), so
  that runs of different sizes show whether memory stays bounded;
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
from dataclasses import dataclass, field
from pathlib import Path

import django

from benchmarks.cpu import CpuMeter, load

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = ("catalog", "transcode", "transcribe", "videos")
"""Every consumer of the system runs, as in production: the aggregator's work is part of a hop."""
SETTLE_SECONDS = 12.0
DESIGNS = {
    "before": ["--one-transaction-per-message"],
    "batched": [],
}
"""Consumer options of each design measured: the previous one (every message's handling its
own transaction) and today's (a read batch per transaction)."""
REBUILD_BEFORE = "2,500 messages/s (15,000 messages in 6.0 s, one upsert per message)"
"""`rebuild_videos` as measured before the one-pass rebuild (issue 11): it cannot be switched
back on, so its figure is quoted."""
TARGETS = {
    "single p50 ms": 40.0,
    "burst videos/s": 400.0,
    "idle queries/s": 2.0,
    "rebuild messages/s": 50_000.0,
}


@dataclass
class Figures:
    """One design's figures."""

    singles: list[float] = field(default_factory=list)
    bursts: dict[int, tuple[list[float], float]] = field(default_factory=dict)
    cpu_per_video: dict[str, float] = field(default_factory=dict)
    idle: float | None = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", default="200,1000", help="burst sizes (comma separated)")
    parser.add_argument("--singles", type=int, default=20, help="single videos, one at a time")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument(
        "--designs",
        default=",".join(DESIGNS),
        help=f"designs to measure, side by side (comma separated, of {', '.join(DESIGNS)})",
    )
    parser.add_argument(
        "--rebuild", default="100000", help="catalog messages per rebuild run (comma separated)"
    )
    parser.add_argument("--no-real-media", action="store_true")
    args = parser.parse_args()
    designs = [name for name in args.designs.split(",") if name]
    if not set(designs) <= set(DESIGNS):
        parser.error(f"--designs takes names among {', '.join(DESIGNS)}")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()

    bursts = [int(n) for n in args.bursts.split(",") if n]
    if designs and (args.singles or bursts or args.idle_seconds > 0):
        print(f"Pipeline, simulated media, {os.cpu_count()} CPUs; {load()}", flush=True)
        figures = {
            name: pipeline_figures(DESIGNS[name], args.singles, bursts, args.idle_seconds)
            for name in designs
        }
        print_pipeline(figures, bursts)

    for count in (int(n) for n in args.rebuild.split(",") if n):
        rebuild_figures(count)

    if not args.no_real_media:
        real_media_figures()


def pipeline_figures(
    options: list[str], singles: int, bursts: list[int], idle_seconds: float
) -> Figures:
    import psycopg

    figures = Figures()
    with (
        scratch_databases() as env,
        consumers(env, options) as processes,
        psycopg.connect(env["MESSAGE_STORE_CONNINFO"], autocommit=True) as conn,
    ):
        wait_until_listening(conn)
        run_burst(conn, 20)  # warm up: connections, prepared statements, caches
        figures.singles = [run_burst(conn, 1)[0][0] for _ in range(singles)]
        meter = CpuMeter(conn, dict(zip(COMPONENTS, (p.pid for p in processes), strict=True)))
        for size in bursts:
            before = meter.read()
            figures.bursts[size] = run_burst(conn, size)
            if size == max(bursts):
                figures.cpu_per_video = meter.per(before, meter.read(), size)
        if idle_seconds > 0:
            figures.idle = idle_queries_per_second(env, idle_seconds)
    return figures


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
def consumers(env: dict[str, str], options: list[str]):
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "consume", name, "--log-level", "WARNING", *options],
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
    """Poll cheaply (recent catalog messages only, every 50 ms): the latencies come from the
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
        time.sleep(0.05)


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


FILL_CATALOG = """
INSERT INTO message_store.messages (id, stream_name, position, type, data, metadata)
SELECT gen_random_uuid(),
       CASE WHEN s.step = 0 THEN 'catalog:command-' ELSE 'catalog-' END || v.id,
       greatest(s.step - 1, 0),
       (ARRAY['Catalog', 'Started', 'Transcoded', 'Transcribed', 'Cataloged'])[s.step + 1],
       CASE s.step
         WHEN 0 THEN jsonb_build_object('videoId', v.id, 'uri', v.uri, 'title', 'Bench ' || v.n)
         WHEN 1 THEN jsonb_build_object('videoId', v.id, 'uri', v.uri, 'title', 'Bench ' || v.n,
                                        'ownerId', NULL)
         WHEN 2 THEN jsonb_build_object('videoId', v.id, 'transcodeId', v.id, 'uri', v.uri,
                                        'transcodedUri', 'videos/' || v.id || '/web.mp4',
                                        'posterUri', 'videos/' || v.id || '/poster.jpg',
                                        'durationSeconds', 10.5, 'width', 640, 'height', 360)
         WHEN 3 THEN jsonb_build_object('videoId', v.id, 'transcribeId', v.id, 'uri', v.uri,
                                        'transcription', 'the words spoken in video ' || v.n,
                                        'captionsUri', 'captions/' || v.id || '.vtt')
         ELSE jsonb_build_object('videoId', v.id)
       END,
       jsonb_build_object('traceId', v.id, 'userId', '1')
  FROM (SELECT n, md5('bench' || n)::uuid::text AS id,
               'uploads/' || md5('bench' || n)::uuid::text || '/original.mp4' AS uri
          FROM generate_series(1, %(videos)s) AS n) v
 CROSS JOIN generate_series(0, 4) AS s(step)
 ORDER BY v.n / 200, s.step, v.n
"""
"""Happy paths of N videos, uploaded in bursts of 200 (so one video's messages are apart)."""


def rebuild_figures(messages: int) -> None:
    """Time `manage.py rebuild_videos` over `messages` catalog messages in fresh databases."""
    import psycopg

    videos = max(1, messages // 5)
    with scratch_databases() as env:
        with psycopg.connect(env["MESSAGE_STORE_CONNINFO"], autocommit=True) as conn:
            conn.execute(FILL_CATALOG, {"videos": videos})
            conn.execute("VACUUM ANALYZE message_store.messages")
            meter = CpuMeter(conn, {})
            before = meter.read()
            started = time.perf_counter()
            command = [sys.executable, "manage.py", "rebuild_videos", "--no-progress"]
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
            )
            output = process.stdout.read()
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            database = meter.per(before, meter.read(), videos * 5).get("postgres")
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"rebuild_videos failed ({process.returncode}): {output}")
    rate = videos * 5 / seconds
    python = (usage.ru_utime + usage.ru_stime) * 1e6 / (videos * 5)
    print(
        f"\nrebuild of {videos * 5:,} messages ({videos:,} videos): {seconds:.2f} s with start-up, "
        f"{rate:,.0f} messages/s (target >= {TARGETS['rebuild messages/s']:,.0f}); "
        f"peak memory {usage.ru_maxrss / 1024:.0f} MB"
    )
    print(f"  {output.strip()}")
    cpu = f"CPU per message: {python:.1f} us in the command (with its start-up)"
    if database is not None:
        cpu += f", {database * 1000:.1f} us in PostgreSQL"
    print(f"  {cpu}")
    print(f"  before this design: {REBUILD_BEFORE}")


def real_media_figures() -> None:
    from benchmarks.media import budget_figures
    from benchmarks.wer import wer_figures

    budget_figures()
    wer_figures()


def print_pipeline(figures: dict[str, Figures], bursts: list[int]) -> None:
    names = list(figures)
    width = 30
    print()
    print(f"{'':<28}" + "".join(f"{name:>{width}}" for name in names) + "   target")

    def row(label: str, cells: list[str], target: str = "") -> None:
        print(f"{label:<28}" + "".join(f"{cell:>{width}}" for cell in cells) + f"   {target}")

    if any(f.singles for f in figures.values()):
        row(
            "1 video p50 / p95",
            [_p50_p95(f.singles) for f in figures.values()],
            f"p50 <= {TARGETS['single p50 ms']:.0f} ms",
        )
    for size in bursts:
        row(
            f"burst of {size}: videos/s",
            [f"{size / f.bursts[size][1]:,.0f}" for f in figures.values()],
            f">= {TARGETS['burst videos/s']:.0f}",
        )
        row("  latency p50 / p95", [_p50_p95(f.bursts[size][0]) for f in figures.values()])
    if any(f.cpu_per_video for f in figures.values()):
        print(f"CPU ms per video, burst of {max(bursts)}:")
        parts = list(next(f.cpu_per_video for f in figures.values() if f.cpu_per_video))
        for part in [*parts, "total"]:
            cells = []
            for f in figures.values():
                value = (
                    sum(f.cpu_per_video.values()) if part == "total" else f.cpu_per_video.get(part)
                )
                cells.append("-" if value is None else f"{value:.2f}")
            row(f"  {part}", cells)
    if any(f.idle is not None for f in figures.values()):
        row(
            "idle queries/s per process",
            ["-" if f.idle is None else f"{f.idle:.2f}" for f in figures.values()],
            f"<= {TARGETS['idle queries/s']:.0f}",
        )


def _p50_p95(latencies: list[float]) -> str:
    if not latencies:
        return "-"
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.1f} / {p95:.1f} ms"


def _json(value: dict) -> str:
    import json

    return json.dumps(value)


def _db_name(url: str) -> str:
    return url.split("?", 1)[0].rsplit("/", 1)[-1]


if __name__ == "__main__":
    main()
