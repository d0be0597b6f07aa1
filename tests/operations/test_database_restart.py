"""The whole system rides out PostgreSQL going away: a fast restart, an immediate one (a crash,
recovered at start) and a stop of a few seconds. Meanwhile the health checks of a consumer and
of the web answer 503; once the server accepts connections again the first web request succeeds,
every consumer (a healing group among them) resumes at once, long before its 30 s safety poll,
and a new upload goes all the way through."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from catalog import messages as catalog_messages
from tests.catalog import controls as catalog
from tests.consumers.controls import wait_until
from tests.consumers.processes import BASE_DIR, ConsumerProcesses
from tests.operations.controls import (
    SIMULATED,
    ScratchServer,
    free_port,
    get,
    get_json,
)

POLL = ("--poll-interval", "30")


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchServer]:
    scratch = ScratchServer(tmp_path_factory.mktemp("pg") / "data")
    scratch.start()
    scratch.migrate()
    yield scratch
    scratch.stop()


@pytest.fixture
def web(server: ScratchServer, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = tmp_path / "web.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=BASE_DIR,
            env={**server.env, **SIMULATED, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    wait_until(lambda: "Quit the server" in log.read_text(), timeout=60, details=log.read_text)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def cataloged(server: ScratchServer, n: int) -> bool:
    with psycopg.connect(server.conninfo, autocommit=True) as connection:
        row = connection.execute(
            "SELECT 1 FROM message_store.get_last_stream_message(%s, 'Cataloged')",
            (catalog_messages.entity_stream(catalog.video_id_example(n)),),
        ).fetchone()
    return row is not None


def upload(server: ScratchServer, n: int) -> None:
    message = catalog.catalog_example(catalog.video_id_example(n), n=n)
    with psycopg.connect(server.conninfo, autocommit=True) as connection:
        connection.execute(
            "SELECT message_store.write_message(%s, %s, %s, %s::jsonb, %s::jsonb)",
            (message.id, message.stream_name, message.type, message.data_json,
             message.metadata_json),
        )  # fmt: skip


@pytest.mark.slow
def test_every_process_resumes_as_soon_as_the_server_is_back(
    server: ScratchServer, web: str, tmp_path: Path
) -> None:
    processes = ConsumerProcesses({**server.env, **SIMULATED}, tmp_path / "logs")
    try:
        catalog_consumer = processes.start("catalog", *POLL, "--metrics-port", "0")
        others = [
            processes.start("transcode", *POLL, "--group-size", "2"),
            processes.start("transcribe", *POLL),
            processes.start("videos", *POLL),
        ]
        upload(server, 1)
        wait_until(lambda: cataloged(server, 1), timeout=60, details=processes.logs)
        port = int(catalog_consumer.log_text().split("0.0.0.0:")[1].split("/")[0])
        consumer_health = f"http://127.0.0.1:{port}/healthz"
        assert get(consumer_health)[0] == 200

        for n, outage in enumerate(["fast", "immediate", "stopped"], start=2):
            if outage == "stopped":
                server.stop()
                time.sleep(1)
                status, body = get_json(consumer_health)
                assert status == 503
                assert body["checks"]["database"] != "ok"
                assert get(f"{web}/healthz")[0] == 503
                time.sleep(2)
                server.start()
            else:
                server.restart(outage)
            server.wait_until_accepting()

            assert get(f"{web}/healthz")[0] == 200, f"the first request after a {outage} outage"
            upload(server, n)
            wait_until(
                lambda n=n: cataloged(server, n),
                timeout=15,  # far less than the 30 s poll: each consumer resumed on its own
                what=f"a video uploaded after the {outage} outage to be cataloged",
                details=processes.logs,
            )
            assert get(consumer_health)[0] == 200

        consumers = [catalog_consumer, *others]
        assert [consumer.terminate() for consumer in consumers] == [0, 0, 0, 0], processes.logs()
        for consumer in consumers:
            assert "Traceback" not in consumer.log_text()
        assert "the database answers again" in catalog_consumer.log_text()
    finally:
        processes.close()
