"""Faults benchmark: how long the system takes to get over each fault.

Run with `./dev bench-faults` (or `python -m benchmarks.faults`). Everything runs on an embedded
PostgreSQL of its own (a scratch folder), which it restarts, stops and starts, with every
consumer as a process of its own (simulated media, 30 s safety polls, so only reconnecting can
explain a quick recovery) and the web (`runserver`). It prints:
- restart recovery, for `pg_ctl restart -m fast` and `-m immediate` (a crash, recovered at
  start): from the moment the server accepts connections again to each consumer handling a
  message written at that moment (catalog, transcode, transcribe, the videos aggregator), and
  the status and time of the first web request (`/healthz`, both databases);
- slot takeover in a healing group (transcode, 4 slots, 2 processes): from a SIGKILL to the
  survivor holding every slot, and to the first command of each dead slot being handled; and
  from a new member's first heartbeat to the group sharing 2 and 2 again;
- stop during a long job, with real media: SIGTERM to exit during a transcode and during a
  transcription (budget 3 s; honcho sends SIGKILL after 5 s);
- idle queries per second per consumer process (transactions counted by PostgreSQL), with
  every consumer ungrouped and with transcode and transcribe in healing groups (budget 2).
Figures depend on the machine's load: they are for people to read and compare.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
POLL = ("--poll-interval", "30")
SETTLE_SECONDS = 12.0
IDLE_BUDGET = 2.0
STOP_BUDGET = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=3, help="restarts of each mode")
    parser.add_argument("--kills", type=int, default=3, help="members killed")
    parser.add_argument("--stops", type=int, default=2, help="SIGTERMs per long job")
    parser.add_argument("--idle-seconds", type=int, default=20)
    parser.add_argument("--no-real-media", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    print(f"Faults, {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the start")
    with scratch_server() as server:
        restart_figures(server, args.restarts)
        takeover_figures(server, args.kills)
        if not args.no_real_media:
            stop_figures(server, args.stops)
        idle_figures(server, args.idle_seconds)


@contextmanager
def scratch_server() -> Iterator:
    from tests.operations.controls import ScratchServer

    with tempfile.TemporaryDirectory(prefix="faults-", dir="/tmp") as folder:
        server = ScratchServer(Path(folder) / "pg")
        server.start()
        server.migrate()
        server.media = Path(folder) / "media"
        server.media.mkdir()
        try:
            yield server
        finally:
            server.stop()


@contextmanager
def consumers(server, layout: dict[str, tuple[str, ...]], *, simulated: bool = True) -> Iterator:
    from tests.consumers.processes import ConsumerProcesses

    env = {
        **server.env,
        "MEDIA_ROOT": str(server.media),
        "SIMULATED_MEDIA": "true" if simulated else "false",
    }
    with tempfile.TemporaryDirectory(prefix="faults-logs-") as logs:
        processes = ConsumerProcesses(env, Path(logs))
        started = {name: processes.start(name, *options) for name, options in layout.items()}
        try:
            yield processes, started
        finally:
            for process in started.values():
                if process.is_running():
                    process.terminate()
            processes.close()


def wait_for(predicate: Callable[[], object], timeout: float, interval: float = 0.005) -> float:
    """Seconds until `predicate()` holds (inf when it never did)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(interval)
    return float("inf")


# Restart recovery ------------------------------------------------------------------------


def restart_figures(server, count: int) -> None:
    from tests.operations.controls import free_port, get

    layout = {name: POLL for name in ("catalog", "transcode", "transcribe", "videos")}
    port = free_port()
    with consumers(server, layout) as (processes, _), runserver(server, port):
        write_jobs(server, 0)
        wait_for(lambda: jobs_done(server, 0), 60)
        rows = []
        for mode in [mode for mode in ("fast", "immediate") for _ in range(count)]:
            time.sleep(SETTLE_SECONDS)  # idle: reads backed off towards the 30 s poll
            number = len(rows) + 1
            restarting = threading.Thread(target=server.restart, args=(mode,))
            restarting.start()
            wait_for(lambda: not server.accepts(), 30, interval=0.001)
            wait_for(server.accepts, 60, interval=0.001)
            accepted = time.monotonic()
            write_jobs(server, number)
            web = time.monotonic()
            status, _ = get(f"http://127.0.0.1:{port}/healthz")
            web = time.monotonic() - web
            done = {}
            while len(done) < 4 and time.monotonic() - accepted < 30:
                for name, finished in jobs_done(server, number).items():
                    if finished and name not in done:
                        done[name] = time.monotonic() - accepted
                time.sleep(0.005)
            restarting.join()
            rows.append((mode, done, status, web))
        for process in processes.started:
            assert process.is_running(), process.log_text()
    print("\nRestart recovery: seconds from the server accepting connections to each consumer")
    print("handling a message written then (poll 30 s), and the first web request")
    print(f"{'restart':<12}{'catalog':>9}{'transcode':>11}{'transcribe':>12}{'videos':>8}   web")
    for mode, done, status, web in rows:
        cells = "".join(
            f"{done.get(name, float('inf')):>{width}.2f}"
            for name, width in (
                ("catalog", 9),
                ("transcode", 11),
                ("transcribe", 12),
                ("videos", 8),
            )
        )
        print(f"{mode:<12}{cells}   {status} in {web:.2f} s")
    worst = max(max(done.values(), default=float("inf")) for _, done, _, _ in rows)
    print(f"worst {worst:.2f} s (budget 2 s); first web requests: {sorted({r[2] for r in rows})}")


@contextmanager
def runserver(server, port: int) -> Iterator[None]:
    import subprocess

    from tests.operations.controls import get

    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env={**server.env, "SIMULATED_MEDIA": "true", "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: _answers(get, port), 60, interval=0.2)
        yield
    finally:
        process.terminate()
        process.wait(10)


def _answers(get, port: int) -> bool:
    try:
        return get(f"http://127.0.0.1:{port}/healthz", timeout=2)[0] == 200
    except OSError:
        return False


def _ids(number: int) -> dict[str, str]:
    return {
        kind: str(uuid.UUID(f"fa000000-0000-4000-{index:04x}-{number:012d}"))
        for index, kind in enumerate(("video", "transcode", "transcribe", "message"))
    }


def write_jobs(server, number: int) -> None:
    """A message for each consumer: a Catalog (catalog, and the aggregator's queued row), a
    Transcode and a Transcribe command."""
    import psycopg

    from catalog.messages import command_stream as catalog_stream
    from message_store.messages import NewMessage, new_id
    from transcode.messages import command_stream as transcode_stream
    from transcribe.messages import command_stream as transcribe_stream

    ids = _ids(number)
    uri = f"uploads/{ids['video']}.mp4"
    messages = [
        NewMessage(id=new_id(), stream_name=catalog_stream(ids["video"]), type="Catalog",
                   data={"videoId": ids["video"], "uri": uri, "title": f"Fault {number}"},
                   metadata={"traceId": ids["message"], "userId": "1"}),
        NewMessage(id=new_id(), stream_name=transcode_stream(ids["transcode"]), type="Transcode",
                   data={"transcodeId": ids["transcode"], "uri": uri}),
        NewMessage(id=new_id(), stream_name=transcribe_stream(ids["transcribe"]),
                   type="Transcribe", data={"transcribeId": ids["transcribe"], "uri": uri}),
    ]  # fmt: skip
    with psycopg.connect(server.conninfo, autocommit=True) as connection:
        for message in messages:
            connection.execute(
                "SELECT message_store.write_message(%s, %s, %s, %s::jsonb, %s::jsonb)",
                (message.id, message.stream_name, message.type, message.data_json,
                 message.metadata_json),
            )  # fmt: skip


def jobs_done(server, number: int) -> dict[str, bool]:
    import psycopg

    ids = _ids(number)
    with psycopg.connect(server.conninfo, autocommit=True) as store:
        versions = store.execute(
            "SELECT message_store.stream_version(%s), message_store.stream_version(%s),"
            " message_store.stream_version(%s)",
            (f"catalog-{ids['video']}", f"transcode-{ids['transcode']}",
             f"transcribe-{ids['transcribe']}"),
        ).fetchone()  # fmt: skip
    view = server.urls["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(view, autocommit=True) as videos:
        row = videos.execute("SELECT 1 FROM videos_video WHERE id = %s", (ids["video"],))
        projected = row.fetchone() is not None
    catalog, transcode, transcribe = (version is not None for version in versions)
    return {"catalog": catalog, "transcode": transcode, "transcribe": transcribe,
            "videos": projected}  # fmt: skip


# Slot takeover ---------------------------------------------------------------------------


def takeover_figures(server, count: int) -> None:
    from message_store.store import MessageStore
    from tests.consumers.groups import shares, slot_holders

    size = 4
    group = ("--group-size", str(size), *POLL)
    store = MessageStore(server.conninfo)
    rows = []
    layout = {"transcode": group}
    try:
        with consumers(server, layout) as (processes, started):
            members = [started["transcode"], processes.start("transcode", *group)]
            wait_for(lambda: shares(store, size) == [2, 2], 60)
            for attempt in range(count):
                time.sleep(3)
                victim = members[attempt % 2]
                session = _session_of(store, victim.pid)
                dead_slots = [s for s, pid in slot_holders(store, size).items() if pid == session]
                commands = _transcode_per_slot(store, size, dead_slots, attempt)
                victim.kill()
                killed = time.monotonic()
                store.write_batch(list(commands.values()))
                wait_for(lambda: shares(store, size) == [size], 30)
                claimed = time.monotonic() - killed
                wait_for(lambda commands=commands: _handled(store, commands), 30)
                handled = time.monotonic() - killed
                joined = processes.start("transcode", *group)
                wait_for(lambda pid=joined.pid: _session_of(store, pid) is not None, 60, 0.01)
                balanced = wait_for(lambda: shares(store, size) == [2, 2], 60)
                members[attempt % 2] = joined
                rows.append((claimed, handled, balanced))
    finally:
        store.close()
    print("\nSlot takeover (healing group of 4 slots over 2 transcode processes, SIGKILL):")
    print(f"{'kill':<6}{'all slots held':>16}{'dead slots handled':>20}{'rebalanced':>12}")
    for n, (claimed, handled, balanced) in enumerate(rows, start=1):
        print(f"{n:<6}{claimed:>14.2f} s{handled:>18.2f} s{balanced:>10.2f} s")
    print("(from the kill; rebalanced: from the new member's first heartbeat)")


def _session_of(store, pid: int) -> int | None:
    from message_store.status import read_processes

    return next((p.session_pid for p in read_processes(store) if p.pid == pid and p.alive), None)


def _transcode_per_slot(store, size: int, slots: list[int], attempt: int) -> dict:
    """A Transcode command in a stream of each of `slots`."""
    from message_store.messages import NewMessage, new_id
    from transcode.messages import command_stream

    found = {}
    for n in itertools.count():
        transcode_id = str(uuid.UUID(f"fb000000-0000-4000-{attempt:04x}-{n:012d}"))
        stream = command_stream(transcode_id)
        with store.connection() as connection:
            slot = connection.execute(
                "SELECT @message_store.hash_64(message_store.cardinal_id(%s)) %% %s",
                (stream, size),
            ).fetchone()[0]
        if slot in slots and slot not in found:
            found[slot] = NewMessage(
                id=new_id(),
                stream_name=stream,
                type="Transcode",
                data={"transcodeId": transcode_id, "uri": "u.mp4"},
            )
        if len(found) == len(slots):
            return found
    raise AssertionError("unreachable")


def _handled(store, commands: dict) -> bool:
    return all(
        store.stream_version(f"transcode-{command.data['transcodeId']}") is not None
        for command in commands.values()
    )


# Stop during a long job ------------------------------------------------------------------


def stop_figures(server, count: int) -> None:
    from message_store.store import MessageStore
    from tests.consumers.test_long_job import STORY
    from tests.media_factory import make_spoken_clip

    uploads = server.media / "uploads"
    uploads.mkdir(exist_ok=True)
    make_spoken_clip(uploads / "long.mp4", "a long clip to transcode", seconds=30, size=(1280, 720))
    make_spoken_clip(uploads / "story.mp4", f"{STORY} {STORY}", size=(320, 180))
    store = MessageStore(server.conninfo)
    rows = {}
    try:
        for component, clip in (("transcode", "long.mp4"), ("transcribe", "story.mp4")):
            rows[component] = [
                _stop_once(server, store, component, f"uploads/{clip}", n) for n in range(count)
            ]
    finally:
        store.close()
    print("\nStop during a long job (real media): seconds from SIGTERM to exit 0")
    for component, seconds in rows.items():
        print(f"{component:<12}" + "  ".join(f"{s:.2f}" for s in seconds))
    worst = max(max(seconds) for seconds in rows.values())
    print(f"worst {worst:.2f} s (budget {STOP_BUDGET:g} s; honcho's SIGKILL comes at 5 s)")


def _stop_once(server, store, component: str, uri: str, n: int) -> float:
    from message_store.messages import NewMessage, new_id
    from message_store.status import read_processes

    job_id = str(uuid.UUID(f"fc000000-0000-4000-8000-{n:012d}"))
    key = "transcodeId" if component == "transcode" else "transcribeId"
    command_type = component.capitalize()
    store.write(
        NewMessage(
            id=new_id(),
            stream_name=f"{component}:command-{job_id}",
            type=command_type,
            data={key: job_id, "uri": uri},
        )
    )
    with consumers(server, {component: ()}, simulated=False) as (_, started):
        consumer = started[component]
        wait_for(
            lambda: any(p.pid == consumer.pid and p.busy for p in read_processes(store)),
            60,
            interval=0.1,
        )
        time.sleep(1.0)  # well into the job
        stopping = time.monotonic()
        code = consumer.terminate(timeout=30)
        seconds = time.monotonic() - stopping
        assert code == 0, consumer.log_text()
    return seconds


# Idle cost -------------------------------------------------------------------------------


def idle_figures(server, seconds: int) -> None:
    default = ("--poll-interval", "5")  # the command's own default (the test harness polls faster)
    layouts = {
        "ungrouped": {name: default for name in ("catalog", "transcode", "transcribe", "videos")},
        "healing groups": {
            "catalog": default,
            "transcode": (*default, "--group-size", "2"),
            "transcribe": (*default, "--group-size", "2"),
            "videos": default,
        },
    }
    print("\nIdle queries/s per consumer process (transactions counted by PostgreSQL):")
    for name, layout in layouts.items():
        with consumers(server, layout):
            per_second = _committed_per_second(server, seconds) / len(layout)
        print(f"{name:<16}{per_second:>6.2f}   (budget <= {IDLE_BUDGET:g})")


def _committed_per_second(server, seconds: int) -> float:
    import psycopg

    time.sleep(SETTLE_SECONDS)
    # Measured from the `postgres` database, which no consumer uses: the measuring costs nothing.
    with psycopg.connect(server.conninfo, dbname="postgres", autocommit=True) as connection:

        def committed() -> int:
            return connection.execute(
                "SELECT sum(xact_commit + xact_rollback) FROM pg_stat_database"
                " WHERE datname IN ('videos', 'message_store')"
            ).fetchone()[0]

        start = committed()
        time.sleep(seconds)
        return (committed() - start) / seconds


if __name__ == "__main__":
    main()
