"""Message store benchmark: our store against Message DB 1.3 and plain INSERT, on one server.

Run with `./dev bench-store` (or `python -m benchmarks.store [--quick]`). On the server that the
message store uses it creates scratch databases, drops them at the end, and prints:
- writes per second for 1, 4 and 8 concurrent clients (threads, each with its own autocommit
  connection, one message per transaction, all into one category, each client its own streams)
  through our `write_message` with notifications on (a consumer listening) and off, Message DB's
  `write_message`, and a plain INSERT computing positions client-side (the same table and
  indexes, no locks): the ceiling a store function can approach. Each figure is the median rate
  of its slices, written round by round in turn with the other columns' slices so that the
  machine's drift falls on all of them; `spread` is a row's widest (max - min) / median;
- category reads: 10,000 messages of one category via `get_category_messages`, ours and
  Message DB's, in batches of 1,000 and of 100 (a consumer's batch);
- what the writers waited on (sampled from pg_stat_activity), and the server time per call of
  each store function (PostgreSQL's track_functions, superuser only), beside a bare INSERT in a
  PL/pgSQL function (the floor for any store function).

Message DB's SQL comes from its npm package (`npm pack`), installed in the order of its own
`database/install.sh`; without npm its column is left out, never estimated.
Nothing here asserts: the figures are for people to read and compare.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import django
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from message_store import queries

CATEGORY = "benchVideo"
OTHER_CATEGORY = "benchOther"
MESSAGE_TYPE = "Transcoded"
STREAMS_PER_CLIENT = 20
WARMUP_PER_CLIENT = 50
READ_MESSAGES = 10_000
READ_BATCHES = (1_000, 100)
PROFILE_MESSAGES = 1_000
MESSAGE_DB_PACKAGE = "@eventide/message-db@~1.3.0"
DATA = json.dumps({"videoId": str(uuid.UUID(int=1)), "uri": "file:///videos/1.mp4", "size": 1})
METADATA = json.dumps({"traceId": str(uuid.UUID(int=2)), "userId": "benchmark"})

RAW_INSERT = (
    "INSERT INTO message_store.messages (id, stream_name, position, type, data, metadata) "
    "VALUES (%s, %s, %s, %s, %s::jsonb, %s::jsonb)"
)
TRUNCATE = "TRUNCATE message_store.messages RESTART IDENTITY"
NOTIFY_OFF = "SET message_store.notify = 'off'"
FILL_FOR_READS = """
INSERT INTO message_store.messages (id, stream_name, position, type, data, metadata)
SELECT gen_random_uuid(),
       CASE WHEN i %% 2 = 0 THEN %(category)s ELSE %(other)s END || '-' || ((i / 2) %% 100),
       i / 200, %(type)s, %(data)s::jsonb, %(metadata)s::jsonb
  FROM generate_series(0, %(count)s * 2 - 1) AS i
 ORDER BY i
"""

# The floor for the server-time table, installed in the scratch database only.
FLOOR_SQL = """
CREATE SCHEMA bench_proto;

-- The floor: the raw INSERT (position from the client) inside a PL/pgSQL function, so that
-- track_functions can time it like the others.
CREATE FUNCTION bench_proto.insert_message(
  id varchar, stream_name varchar, "type" varchar, data jsonb, metadata jsonb,
  "position" bigint
)
RETURNS bigint AS $$
BEGIN
  INSERT INTO message_store.messages (id, stream_name, position, type, data, metadata)
  VALUES (uuid(insert_message.id), insert_message.stream_name, insert_message.position,
          insert_message.type, insert_message.data, insert_message.metadata);
  RETURN insert_message.position;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--messages", type=int, default=20_000, help="messages written per figure (all slices)"
    )
    parser.add_argument("--clients", default="1,4,8", help="client counts, comma separated")
    parser.add_argument(
        "--rounds", type=int, default=8, help="interleaved slices per figure (median of them)"
    )
    parser.add_argument(
        "--synchronous-commit-off",
        action="store_true",
        help="writers do not wait for the WAL flush: shows CPU cost instead of disk latency",
    )
    parser.add_argument("--quick", action="store_true", help="a tiny run, to check it works")
    args = parser.parse_args(argv)
    try:
        clients = sorted({int(n) for n in args.clients.split(",") if n.strip()})
    except ValueError:
        parser.error("--clients takes numbers separated by commas, e.g. 1,4,8")
    if args.quick:
        args.messages, args.rounds = 400, 2
    if args.rounds < 1 or args.messages < args.rounds or not clients or clients[0] < 1:
        parser.error("--rounds and every client count must be at least 1, --messages >= --rounds")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from message_store.runtime import store_conninfo

    session = ("SET synchronous_commit = off",) if args.synchronous_commit_off else ()
    bench = Benchmark(store_conninfo(), quick=args.quick, session=session)
    try:
        bench.prepare()
        bench.print_header(args.messages, args.rounds)
        writes = bench.measure_writes(clients, args.messages, args.rounds)
        reads = bench.measure_reads(repeats=1 if args.quick else 5)
        profile = bench.profile_functions()
    finally:
        bench.drop()
    print_writes(writes, clients, bench.targets)
    print_reads(reads)
    print_waits(writes, clients[-1], bench.targets)
    print_profile(profile, bench.notes)
    print_targets(writes, clients)
    return 0


# Targets: what is written, through what ---------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One way of writing: a database, session settings, and a per-client write function."""

    label: str
    database: str
    session: tuple[str, ...] = ()
    raw: bool = False
    listen: bool = False
    function: str = "message_store.write_message"


OURS = Target("ours notify", "ours", listen=True)
OURS_SILENT = Target("ours no-notify", "ours_silent", session=(NOTIFY_OFF,))
MESSAGE_DB = Target("Message DB", "message_db")
RAW = Target("raw INSERT", "raw", raw=True)


def writer(connection: psycopg.Connection, target: Target) -> Callable[[str], None]:
    """A function writing one message (its own transaction) to the stream it is given."""
    if target.raw:
        versions: dict[str, int] = {}

        def write(stream: str) -> None:
            position = versions.get(stream, -1) + 1
            params = (str(uuid.uuid4()), stream, position, MESSAGE_TYPE, DATA, METADATA)
            connection.execute(RAW_INSERT, params)
            versions[stream] = position

        return write

    statement = f"SELECT {target.function}(%s, %s, %s, %s::jsonb, %s::jsonb, %s)"

    def write(stream: str) -> None:
        params = (str(uuid.uuid4()), stream, MESSAGE_TYPE, DATA, METADATA, None)
        connection.execute(statement, params)

    return write


# The benchmark ---------------------------------------------------------------------------------


@dataclass
class WriteResult:
    rates: list[float] = field(default_factory=list)
    waits: Counter = field(default_factory=Counter)
    notifications: int = 0

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def spread(self) -> float:
        return (max(self.rates) - min(self.rates)) / self.rate


class Benchmark:
    def __init__(self, conninfo: str, *, quick: bool, session: tuple[str, ...] = ()) -> None:
        self.server = conninfo_to_dict(conninfo)
        self.server.pop("dbname", None)
        self.quick = quick
        self.session = session
        self.databases: dict[str, str] = {}
        self.targets: list[Target] = [OURS, OURS_SILENT, RAW]
        self.notes: list[str] = []
        self.message_db_version: str | None = None

    def conninfo(self, database: str) -> str:
        return make_conninfo(**{**self.server, "dbname": database})

    def connect(self, key: str) -> psycopg.Connection:
        return psycopg.connect(self.conninfo(self.databases[key]), autocommit=True)

    # Scratch databases

    def prepare(self) -> None:
        """One scratch database per way of writing, so that none writes into another's table."""
        for key in ("ours", "ours_silent", "raw"):
            self._create(key)
            with self.connect(key) as connection:
                connection.execute(queries.schema_sql())
                connection.execute(FLOOR_SQL)
        with tempfile.TemporaryDirectory(prefix="bench-message-db-") as folder:
            package = fetch_message_db(Path(folder), self.notes)
            if package is not None:
                self._create("message_db")
                with self.connect("message_db") as connection:
                    self.message_db_version = install_message_db(connection, package, self.notes)
                self.targets.insert(2, MESSAGE_DB)

    def _create(self, key: str) -> None:
        name = f"bench_store_{key}_{os.getpid()}"
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.databases[key] = name

    def drop(self) -> None:
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as connection:
            for name in self.databases.values():
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        self.databases.clear()

    def print_header(self, messages: int, rounds: int) -> None:
        with self.connect("ours") as connection:
            for statement in self.session:
                connection.execute(statement)
            version = connection.execute("SHOW server_version").fetchone()[0]
            commit = connection.execute("SHOW synchronous_commit").fetchone()[0]
        print(
            f"Message store benchmark: PostgreSQL {version}, synchronous_commit={commit}, "
            f"{os.cpu_count()} CPUs shared by server and clients"
        )
        print(
            f"writes: {messages:,} messages per figure, in {rounds} slices interleaved with the "
            f"other columns' (figure: median slice rate), after {WARMUP_PER_CLIENT} warm-up "
            f"writes per client; {STREAMS_PER_CLIENT} streams per client, one category"
        )
        if self.message_db_version:
            print(f"Message DB: {self.message_db_version}")
        for note in self.notes:
            print(f"note: {note}")
        print(flush=True)

    # Writes

    def measure_writes(
        self, clients: list[int], messages: int, rounds: int
    ) -> dict[tuple[str, int], WriteResult]:
        """Each figure's messages go in `rounds` slices; a round writes one slice per target, in
        turn, so that the machine's drift (disk latency, other load) falls on every column."""
        results: dict[tuple[str, int], WriteResult] = {}
        slices = [messages // rounds + (1 if i < messages % rounds else 0) for i in range(rounds)]
        for count in clients:
            targets = self.targets
            with self.connect("ours") as connection, suppress(psycopg.errors.InsufficientPrivilege):
                connection.execute("CHECKPOINT")
            with ExitStack() as stack:
                pools = {
                    target: stack.enter_context(
                        ClientPool(
                            self.conninfo(self.databases[target.database]),
                            target,
                            count,
                            self.session,
                        )
                    )
                    for target in targets
                }
                for turn, size in enumerate(slices):
                    turn %= len(targets)
                    for target in targets[turn:] + targets[:turn]:
                        result = results.setdefault((target.label, count), WriteResult())
                        seconds, waits = pools[target].write(size)
                        result.rates.append(size / seconds)
                        result.waits.update(waits)
            for target, pool in pools.items():
                results[(target.label, count)].notifications = pool.heard[0]
            print(f"  measured writes with {count} client(s)", file=sys.stderr, flush=True)
        return results

    # Reads

    def measure_reads(self, *, repeats: int) -> dict[tuple[str, int], float]:
        rates: dict[tuple[str, int], float] = {}
        for key, label in (("ours", "ours"), ("message_db", "Message DB")):
            if key not in self.databases:
                continue
            with self.connect(key) as connection:
                connection.execute(TRUNCATE)
                connection.execute(
                    FILL_FOR_READS,
                    {
                        "category": CATEGORY,
                        "other": OTHER_CATEGORY,
                        "type": MESSAGE_TYPE,
                        "data": DATA,
                        "metadata": METADATA,
                        "count": READ_MESSAGES,
                    },
                )
                connection.execute("VACUUM ANALYZE message_store.messages")
                for batch in READ_BATCHES:
                    read_category(connection, batch)
                    seconds = []
                    for _ in range(repeats):
                        started = time.perf_counter()
                        count = read_category(connection, batch)
                        seconds.append(time.perf_counter() - started)
                        if count != READ_MESSAGES:
                            raise RuntimeError(f"{label} read {count} messages of {READ_MESSAGES}")
                    rates[(label, batch)] = READ_MESSAGES / statistics.median(seconds)
        return rates

    # Server time per function call

    def profile_functions(self) -> list[tuple[str, str, float, float, int]]:
        """Write and read once more with track_functions on; return µs per call per function."""
        runs = [
            ("ours", "message_store.write_message", (NOTIFY_OFF,)),
            ("ours", "bench_proto.insert_message", ()),
        ]
        if "message_db" in self.databases:
            runs.append(("message_db", "message_store.write_message", ()))
        keys = list(dict.fromkeys(key for key, _, _ in runs))
        count = 200 if self.quick else PROFILE_MESSAGES
        try:
            for key in keys:
                with self.connect(key) as connection:
                    connection.execute(TRUNCATE)
                    connection.execute("SELECT pg_stat_reset()")
            for key, function, session in runs:
                with self.connect(key) as connection:
                    for statement in ("SET track_functions = 'all'", *self.session, *session):
                        connection.execute(statement)
                    profile_writes(connection, function, count)
            for key in keys:
                with self.connect(key) as connection:
                    connection.execute("SET track_functions = 'all'")
                    read_category(connection, READ_BATCHES[-1])
        except psycopg.errors.InsufficientPrivilege:
            self.notes.append("server time per call needs a superuser (track_functions): skipped")
            return []
        rows: list[tuple[str, str, float, float, int]] = []
        for key in keys:
            label = "ours" if key == "ours" else "Message DB"
            with self.connect(key) as connection:
                found = function_stats(connection)
            rows += [(label, *row) for row in found]
        return rows


class ClientPool:
    """One target's clients: each with its own connection, set up and warmed up once, then
    writing slice after slice, all together, each to its own streams."""

    def __init__(
        self, conninfo: str, target: Target, clients: int, session: tuple[str, ...]
    ) -> None:
        self.conninfo = conninfo
        self.target = target
        self.clients = clients
        self.session = session + target.session
        self.streams = [
            [f"{CATEGORY}-{clients}c{client}s{n}" for n in range(STREAMS_PER_CLIENT)]
            for client in range(clients)
        ]
        self.written = [0] * clients
        self.writers: list[Callable[[str], None]] = []
        self.heard = [0]
        self._stack = ExitStack()

    def __enter__(self) -> ClientPool:
        self.heard = self._stack.enter_context(listening(self.conninfo, enabled=self.target.listen))
        for _ in range(self.clients):
            connection = self._stack.enter_context(psycopg.connect(self.conninfo, autocommit=True))
            for statement in self.session:
                connection.execute(statement)
            self.writers.append(writer(connection, self.target))
        self.write(WARMUP_PER_CLIENT * self.clients)
        return self

    def __exit__(self, *exc_info) -> None:
        self._stack.close()

    def write(self, messages: int) -> tuple[float, Counter]:
        """Write `messages` across the clients; return the seconds taken and the waits seen."""
        share, extra = divmod(messages, self.clients)
        shares = [share + (1 if i < extra else 0) for i in range(self.clients)]
        barrier = threading.Barrier(self.clients + 1)
        finished: list[float] = []
        errors: list[BaseException] = []

        def client(index: int) -> None:
            try:
                barrier.wait()
                write, streams = self.writers[index], self.streams[index]
                for _ in range(shares[index]):
                    write(streams[self.written[index] % STREAMS_PER_CLIENT])
                    self.written[index] += 1
                finished.append(time.perf_counter())
            except BaseException as error:
                errors.append(error)
                barrier.abort()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(self.clients)]
        for thread in threads:
            thread.start()
        with suppress(threading.BrokenBarrierError):
            barrier.wait()
        started = time.perf_counter()
        with sampling(self.conninfo) as waits:
            for thread in threads:
                thread.join()
        if errors:
            raise errors[0]
        return max(finished) - started, waits


def read_category(connection: psycopg.Connection, batch: int) -> int:
    """Read the benchmark category from the start in batches; return how many messages came."""
    position, count = 1, 0
    while True:
        params = (CATEGORY, position, batch, None, None, None)
        rows = connection.execute(queries.GET_CATEGORY_MESSAGES, params).fetchall()
        count += len(rows)
        if len(rows) < batch:
            return count
        position = rows[-1][4] + 1


def profile_writes(connection: psycopg.Connection, function: str, count: int) -> None:
    streams = [f"{CATEGORY}-{function.replace('.', '_')}{n}" for n in range(STREAMS_PER_CLIENT)]
    if function == "bench_proto.insert_message":
        statement = f"SELECT {function}(%s, %s, %s, %s::jsonb, %s::jsonb, %s)"
        for n in range(count):
            stream, position = streams[n % len(streams)], n // len(streams)
            params = (str(uuid.uuid4()), stream, MESSAGE_TYPE, DATA, METADATA, position)
            connection.execute(statement, params)
        return
    write = writer(connection, Target(function, "", function=function))
    for n in range(count):
        write(streams[n % len(streams)])


def function_stats(connection: psycopg.Connection) -> list[tuple[str, float, float, int]]:
    """µs per call (total, self) and calls per function, once the statistics have arrived."""
    query = (
        "SELECT schemaname || '.' || funcname, total_time, self_time, calls "
        "FROM pg_stat_user_functions ORDER BY 1"
    )
    for _ in range(50):
        found = connection.execute(query).fetchall()
        if any(name.endswith("get_category_messages") for name, *_ in found):
            break
        time.sleep(0.1)
        connection.execute("SELECT pg_stat_clear_snapshot()")
    return [(name, total * 1000 / n, own * 1000 / n, n) for name, total, own, n in found]


LISTENER = """
import signal, sys, psycopg
stopping = []
signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
heard = 0
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    connection.execute(sys.argv[2])
    print("listening", flush=True)
    while not stopping:
        heard += sum(1 for _ in connection.notifies(timeout=0.2))
print(heard, flush=True)
"""


@contextmanager
def listening(conninfo: str, *, enabled: bool) -> Iterator[list[int]]:
    """A consumer process LISTENing meanwhile; yields a list that then holds what it heard.

    A process of its own, as a consumer is: in the benchmark's process its Python would compete
    with the writers' threads for the interpreter lock.
    """
    heard = [0]
    if not enabled:
        yield heard
        return
    command = [sys.executable, "-c", LISTENER, conninfo, queries.LISTEN]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as listener:
        try:
            if listener.stdout.readline().strip() != "listening":
                raise RuntimeError("the listening consumer did not start")
            yield heard
            time.sleep(0.2)
        finally:
            listener.terminate()
            output, _ = listener.communicate(timeout=30)
        heard[0] = int(output.split()[-1])


@contextmanager
def sampling(conninfo: str, interval: float = 0.02) -> Iterator[Counter]:
    """Count what the benchmark's client sessions wait on, sampled from pg_stat_activity."""
    waits: Counter = Counter()
    stop = threading.Event()
    connection = psycopg.connect(conninfo, autocommit=True)
    query = (
        "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' "
        "AND query <> %s"
    )

    def sample() -> None:
        while not stop.wait(interval):
            waits.update(row[0] for row in connection.execute(query, (queries.LISTEN,)))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield waits
    finally:
        stop.set()
        thread.join()
        connection.close()


# Message DB ------------------------------------------------------------------------------------


def fetch_message_db(folder: Path, notes: list[str]) -> Path | None:
    """Unpack Message DB's npm package into `folder`; None (with a note) when npm cannot."""
    npm = shutil.which("npm")
    if npm is None:
        notes.append("npm not found: the Message DB column is left out")
        return None
    try:
        done = subprocess.run(
            [npm, "pack", MESSAGE_DB_PACKAGE, "--silent", "--pack-destination", str(folder)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    except subprocess.TimeoutExpired:
        notes.append("npm pack timed out: the Message DB column is left out")
        return None
    tarballs = sorted(folder.glob("*.tgz"))
    if done.returncode != 0 or not tarballs:
        reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no tarball"]
        notes.append(f"npm pack {MESSAGE_DB_PACKAGE} failed ({reason[0]}): Message DB left out")
        return None
    with tarfile.open(tarballs[0]) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def install_message_db(connection: psycopg.Connection, package: Path, notes: list[str]) -> str:
    """Run Message DB's SQL files in the order its install scripts run them; return its version.

    The role is not created (our schema already created `message_store`, a cluster-wide role),
    nor the database (the caller made a scratch one); pgcrypto is skipped when the server lacks
    it, since `gen_random_uuid()` is built into PostgreSQL 13 and later.
    """
    database = package / "database"
    has_pgcrypto = connection.execute(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pgcrypto'"
    ).fetchone()
    # Its functions name each other unqualified, for clients that set this search path.
    connection.execute("SET search_path = message_store, public")
    for path in install_order(database, "install.sh"):
        if path.parts[0] == "roles":
            continue
        if path.parts[0] == "extensions" and path.stem == "pgcrypto" and not has_pgcrypto:
            notes.append("pgcrypto is not available here: Message DB uses core gen_random_uuid()")
            continue
        connection.execute((database / path).read_text())
    connection.execute(
        sql.SQL("ALTER DATABASE {} SET search_path = message_store, public").format(
            sql.Identifier(connection.info.dbname)
        )
    )
    manifest = json.loads((package / "package.json").read_text())
    schema_version = (database / "VERSION.txt").read_text().strip()
    return f"{manifest['name']} {manifest['version']} (database/VERSION.txt {schema_version})"


def install_order(database: Path, script: str) -> list[Path]:
    """The .sql files an install script runs, in order, following `source` of other scripts."""
    text = (database / script).read_text()
    bodies = dict(re.findall(r"^function ([\w-]+)\s*\{(.*?)\n\}", text, flags=re.S | re.M))
    order: list[Path] = []
    for line in (line.strip() for line in text.splitlines()):
        sourced = re.fullmatch(r"source \$base/([\w.-]+\.sh)", line)
        if sourced:
            order += install_order(database, sourced.group(1))
        elif line in bodies:
            order += [Path(p) for p in re.findall(r"\$base/([\w/.-]+\.sql)", bodies[line])]
    return order


# Printing --------------------------------------------------------------------------------------


def print_writes(results: dict, clients: list[int], targets: list[Target]) -> None:
    print("Writes: messages/second (ratio to raw INSERT)")
    width = 20
    print("clients" + "".join(t.label.rjust(width) for t in targets) + "spread".rjust(8))
    for count in clients:
        raw = results[(RAW.label, count)].rate
        cells, spreads = [], []
        for target in targets:
            result = results.get((target.label, count))
            if result is None:
                cells.append("-".rjust(width))
                continue
            rate = result.rate
            spreads.append(result.spread)
            cell = f"{rate:,.0f}" if target is RAW else f"{rate:,.0f} ({rate / raw:.2f}x)"
            cells.append(cell.rjust(width))
        print(str(count).ljust(7) + "".join(cells) + f"{max(spreads):.0%}".rjust(8))
    listened = {target.label for target in targets if target.listen}
    heard: dict[str, dict[int, int]] = {}
    for (label, count), result in results.items():
        if label in listened:
            heard.setdefault(label, {})[count] = result.notifications
    print(f"notifications one listening consumer received (all runs, warm-up included): {heard}")
    print()


def print_reads(rates: dict[tuple[str, int], float]) -> None:
    print(f"Category reads: {READ_MESSAGES:,} messages of one category (messages/second)")
    for batch in READ_BATCHES:
        ours = rates[("ours", batch)]
        line = f"  batches of {batch:<6,} ours {ours:>10,.0f}"
        if ("Message DB", batch) in rates:
            theirs = rates[("Message DB", batch)]
            line += f"   Message DB {theirs:>10,.0f}   ours/Message DB {ours / theirs:.2f}x"
        print(line)
    print()


def print_waits(results: dict, clients: int, targets: list[Target]) -> None:
    print(f"What {clients} writers waited on (share of samples of their active sessions)")
    for target in targets:
        waits = results[(target.label, clients)].waits
        total = sum(waits.values()) or 1
        top = ", ".join(f"{name} {n / total:.0%}" for name, n in waits.most_common(4))
        print(f"  {target.label:<20}{top}")
    print()


def print_profile(rows: list, notes: list[str]) -> None:
    if not rows:
        for note in notes:
            print(f"note: {note}")
        return
    print("Server time per call, 1 client (track_functions; total includes nested calls)")
    print(f"  {'store':<12}{'function':<40}{'total µs':>10}{'self µs':>10}{'calls':>8}")
    for label, name, total, own, calls in rows:
        print(f"  {label:<12}{name:<40}{total:>10.1f}{own:>10.1f}{calls:>8}")
    print()


def print_targets(results: dict, clients: list[int]) -> None:
    def ratio(label: str, count: int, versus: str) -> float | None:
        if (label, count) not in results or (versus, count) not in results:
            return None
        return results[(label, count)].rate / results[(versus, count)].rate

    checks = [
        (1, RAW.label, 0.9, "1 client vs raw INSERT"),
        (8, MESSAGE_DB.label, 2.0, "8 clients vs Message DB"),
        (8, RAW.label, 0.8, "8 clients vs raw INSERT"),
    ]
    print("Targets")
    for count, versus, goal, text in checks:
        figures = []
        for target in (OURS, OURS_SILENT):
            value = ratio(target.label, count, versus)
            if value is not None:
                verdict = "met" if value >= goal else "missed"
                figures.append(f"{target.label} {value:.2f}x {verdict}")
        if figures:
            print(f"  {text}, goal >= {goal}x: " + "; ".join(figures))


if __name__ == "__main__":
    sys.exit(main())
