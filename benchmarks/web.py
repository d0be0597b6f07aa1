"""Web benchmark: the home page, a video page and search, served by gunicorn over 10,000 videos.

Run with `./dev bench-web` (or `python -m benchmarks.web`). It creates a scratch database on the
configured server (never the dev or test database), migrates it and fills the view data with
`--videos` rows, each with a realistic transcript of a few hundred words in timed cues (English
words drawn by their frequency in the text of the installed Django package, so common words
are common and rare ones rare), starts gunicorn on a free loopback port (2 sync workers, as a
small production box would), and measures each page with a bounded load generator:
`--threads` threads with keep-alive `http.client` connections, at most `--requests` requests
and `--seconds` seconds per page. Search is measured for a common word, a rare word and a
phrase. It also counts the SQL queries each page makes, in-process, with 10 videos and with the
full catalog: the count must not grow with the catalog. Everything is dropped afterwards.
Nothing here asserts: the figures are for people to read and compare.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import itertools
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import django

from benchmarks.cpu import CpuMeter
from benchmarks.cpu import load as load_average

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
FEW_VIDEOS = 10
WORDS_PER_SECOND = 2.5
SEARCH_TARGET_P50_MS = 20.0
SEARCH_BEFORE = {
    "search, common word": "p50 44-49 ms; 36.1 ms CPU per request (web 20.0, db 15.0); 5 queries",
    "search, rare word": "p50 27-47 ms; 31.6 ms CPU per request (web 18.6, db 11.8); 5 queries",
    "search, phrase": "p50 14-37 ms; 18.3 ms CPU per request (web 12.6, db 4.8); 5 queries",
}
"""The search before its one-statement design (vectors out of line in the video rows, planner
settings switched off, five queries), which cannot be switched back on: p50 as measured on this
machine at a moderate load, CPU per request from this benchmark, 2026-12-01."""


@dataclass(frozen=True)
class Load:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    cpu_ms: dict[str, float]
    """CPU milliseconds per request: the web server's, PostgreSQL's, the load generator's."""

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2_000, help="at most, per page")
    parser.add_argument("--seconds", type=float, default=10.0, help="at most, per page")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()

    started_under = load_average()
    speech = Speech(random.Random(8))
    with scratch_database() as env:
        sample = fill_videos(FEW_VIDEOS, speech)
        words = speech.search_words()
        pages = {
            "home": "/",
            "home, deep page": "/?page=5",
            "video page": f"/videos/{sample}/",
            "search, common word": f"/search/?q={quote(words.common)}",
            "search, rare word": f"/search/?q={quote(words.rare)}",
            "search, phrase": f"/search/?q={quote(words.phrase)}",
        }
        few = {name: count_queries(path) for name, path in pages.items()}
        fill_videos(args.videos - FEW_VIDEOS, speech)
        pages["home, deep page"] = f"/?page={max(1, args.videos // 24 // 2)}"
        many = {name: count_queries(path) for name, path in pages.items()}
        matches = {
            "common": count_matches(words.common),
            "rare": count_matches(words.rare),
            "phrase": count_matches(words.phrase),
        }
        with gunicorn(env) as (port, pid):
            meter = CpuMeter(_psycopg_connection(), {"web": pid})
            loads = {
                name: run_load(port, path, args.threads, args.requests, args.seconds, meter)
                for name, path in pages.items()
            }
    write_table(args, pages, loads, few, many, started_under)
    write_search_notes(words, matches)


@contextmanager
def scratch_database() -> Iterator[dict[str, str]]:
    """A throwaway `default` database on the configured server, migrated; dropped afterwards."""
    import psycopg
    from django.core.management import call_command
    from django.db import connections
    from psycopg import sql

    from message_store.runtime import store_conninfo
    from tests.conftest import database_url

    name = f"bench_web_{uuid.uuid4().hex[:8]}"
    admin = psycopg.conninfo.make_conninfo(store_conninfo("default"), dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name
    env = {
        **os.environ,
        "DATABASE_URL": database_url("default"),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    try:
        call_command("migrate", database="default", verbosity=0)
        yield env
    finally:
        connections["default"].close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


class Speech:
    """Made-up but realistic speech: English words drawn by their frequency in the text of the
    installed Django package (its docstrings and comments), in sentences and timed cues."""

    def __init__(self, rng: random.Random) -> None:
        source = Path(django.__file__).parent
        counts: collections.Counter[str] = collections.Counter()
        for path in sorted(source.rglob("*.py")):
            counts.update(re.findall(r"\b[a-z]{3,12}\b", path.read_text(errors="ignore")))
        self.vocabulary = [word for word, _ in counts.most_common(4000)]
        self.weights = [counts[word] for word in self.vocabulary]
        self.rng = rng
        self.used: collections.Counter[str] = collections.Counter()
        self.last_segments: list[dict] = []

    def sentence(self) -> str:
        words = self.rng.choices(self.vocabulary, self.weights, k=self.rng.randint(6, 14))
        return " ".join(words).capitalize() + "."

    def transcript(self, words: int) -> tuple[str, list[dict]]:
        """About `words` words of speech, and its cues (one sentence each, in seconds)."""
        segments, start, said = [], 0.0, 0
        while said < words:
            text = self.sentence()
            length = len(text.split()) / WORDS_PER_SECOND
            segments.append(
                {"start": round(start, 2), "end": round(start + length, 2), "text": text}
            )
            start += length + 0.3
            said += len(text.split())
        self.used.update({word for segment in segments for word in segment["text"].lower().split()})
        self.last_segments = segments
        return " ".join(segment["text"] for segment in segments), segments

    def search_words(self) -> SearchWords:
        """A common word (in most transcripts), a rare one (in a few) and a two-word phrase,
        each said in the videos made so far (so that they match with few videos too)."""
        from django.db import connection

        ranked = [word for word in self.vocabulary[:400] if _lexeme(connection, word)]
        rare = [
            word
            for word in self.vocabulary[2500:]
            if word in self.used and _lexeme(connection, word)
        ]
        text = self.last_segments[0]["text"].rstrip(".").lower().split()
        pair = next(
            (a, b)
            for a, b in itertools.pairwise(text)
            if _lexeme(connection, a) and _lexeme(connection, b)
        )
        return SearchWords(
            common=ranked[5], rare=rare[len(rare) // 2], phrase=f'"{pair[0]} {pair[1]}"'
        )


@dataclass(frozen=True)
class SearchWords:
    common: str
    rare: str
    phrase: str


def _lexeme(connection, word: str) -> bool:
    """Whether the search configuration keeps the word (it drops stop words like `the`)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('english', %s) <> ''::tsvector", [word])
        return cursor.fetchone()[0]


def fill_videos(count: int, speech: Speech) -> uuid.UUID | None:
    """Add `count` ready, public videos to the view data, each with a transcript of a few
    hundred words in timed cues; return the id of one of them."""
    from videos.models import Video

    start = datetime(2026, 1, 1, tzinfo=UTC)
    offset = Video.objects.count()
    made = None
    for first in range(offset, offset + count, 500):
        rows = []
        for index in range(first, min(first + 500, offset + count)):
            video_id = uuid.uuid4()
            transcript, segments = speech.transcript(speech.rng.randint(200, 500))
            rows.append(
                Video(
                    id=video_id,
                    title=speech.sentence().rstrip(".")[:80],
                    description=speech.sentence() if index % 3 == 0 else "",
                    status=Video.Status.CATALOGED,
                    source_name=f"uploads/{video_id}/original.mp4",
                    video_name=f"videos/{video_id}/web.mp4",
                    poster_name=f"videos/{video_id}/poster.jpg",
                    captions_name=f"captions/{video_id}.vtt",
                    duration_seconds=segments[-1]["end"],
                    width=640,
                    height=360,
                    transcript=transcript,
                    segments=segments,
                    created_at=start + timedelta(seconds=index),
                    updated_at=start + timedelta(seconds=index),
                    last_global_position=index + 1,
                )
            )
        Video.objects.bulk_create(rows)
        made = made or rows[len(rows) // 2].id
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made


def count_matches(text: str) -> int:
    from videos.selectors import search

    return search(text).count


def count_queries(path: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return len(queries)


def _psycopg_connection():
    from django.db import connection

    connection.ensure_connection()
    return connection.connection


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[tuple[int, int]]:
    """A gunicorn serving the site on a free loopback port: yields (port, its master's pid)."""
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"{HOST}:{port}",
        "--log-level", "warning", "config.wsgi",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        _wait_until_serving(port, server)
        yield port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start serving in time")


def run_load(
    port: int, path: str, threads: int, max_requests: int, max_seconds: float, meter: CpuMeter
) -> Load:
    """GET `path` from `threads` keep-alive clients until `max_requests` or `max_seconds`."""
    _warm_up(port, path)
    cpu_before, client_before = meter.read(), time.process_time()
    lock = threading.Lock()
    issued = 0
    errors = 0
    latencies: list[float] = []
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        nonlocal issued, errors
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < deadline:
            with lock:
                if issued >= max_requests:
                    break
                issued += 1
            began = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                    continue
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                continue
            mine.append((time.perf_counter() - began) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    began = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.monotonic() - began
    issued = max(issued, 1)
    cpu = CpuMeter.per(cpu_before, meter.read(), issued)
    cpu["client"] = (time.process_time() - client_before) * 1000 / issued
    return Load(len(latencies), errors, seconds, latencies, cpu)


def _warm_up(port: int, path: str, count: int = 20) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    for _ in range(count):
        connection.request("GET", path)
        connection.getresponse().read()
    connection.close()


def write_table(args, pages, loads, few, many, started_under: str) -> None:
    out = sys.stdout.write
    cores = os.cpu_count() or 1
    out(
        f"\nWeb benchmark: {args.videos:,} videos, gunicorn with 2 sync workers on loopback, "
        f"{args.threads} client threads, at most {args.requests} requests or "
        f"{args.seconds:g} s per page; {cores} CPUs, {started_under}\n\n"
    )
    header = (
        f"{'page':<20} {'requests':>8} {'errors':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'CPU ms per request':^26} {'busy p50':>8} {'queries':>8} {'queries':>8}\n"
    )
    out(header)
    out(f"{'':<20} {'':>8} {'':>6} {'':>6} {'':>7} {'':>7} {'web':>6} {'db':>6} {'client':>6} "
        f"{'total':>6} {'ms':>8} {f'@{FEW_VIDEOS}':>8} {f'@{args.videos}':>8}\n")  # fmt: skip
    out("-" * (len(header) - 1) + "\n")
    for name in pages:
        load = loads[name]
        cpu = load.cpu_ms
        total = cpu["web"] + cpu.get("postgres", 0.0) + cpu["client"]
        out(
            f"{name:<20} {load.requests:>8} {load.errors:>6} {load.per_second:>6.0f} "
            f"{load.percentile(0.50):>7.1f} {load.percentile(0.95):>7.1f} {cpu['web']:>6.1f} "
            f"{cpu.get('postgres', float('nan')):>6.1f} {cpu['client']:>6.1f} {total:>6.1f} "
            f"{args.threads * total / cores:>8.1f} {few[name]:>8} {many[name]:>8}\n"
        )
    out(
        "\nCPU ms per request: the gunicorn workers (web), PostgreSQL (db, when it runs on this\n"
        "machine) and this load generator (client), from /proc, so less swayed by other load\n"
        "than the wall-clock p50. busy p50: the p50 a CPU-bound run of these threads would\n"
        f"give on this machine if nothing else ran ({args.threads} threads x total CPU / {cores} "
        f"CPUs).\nSearch target: p50 <= {SEARCH_TARGET_P50_MS:g} ms. "
        f"Before this design (measured with this benchmark, same machine):\n"
    )
    for name, before in SEARCH_BEFORE.items():
        out(f"  {name:<20} {before}\n")
    mean = statistics.fmean(load.per_second for load in loads.values())
    constant = all(few[name] == many[name] for name in pages)
    verdict = "the same" if constant else "NOT the same"
    out(f"\nmean {mean:.0f} requests/s; queries per page with few and many videos: {verdict}.\n")


def write_search_notes(words: SearchWords, matches: dict[str, int]) -> None:
    out = sys.stdout.write
    out(
        f"search words: common {words.common!r}, rare {words.rare!r}, phrase {words.phrase}; "
        f"matching videos: "
        + ", ".join(f"{name} {count:,}" for name, count in matches.items())
        + "\n"
    )


if __name__ == "__main__":
    main()
