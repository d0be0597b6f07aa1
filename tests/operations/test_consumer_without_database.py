"""A consumer started while its database is unreachable (a wrong URL, a server that is down), or
whose message store lacks its schema, says what is wrong in one line, with no traceback, and
keeps trying; SIGTERM still stops it at once."""

from __future__ import annotations

import time

import pytest

from message_store.errors import SCHEMA_HINT
from tests.conftest import database_url
from tests.consumers.processes import ConsumerProcesses

UNREACHABLE = "postgres://postgres@127.0.0.1:1/nothing"


def lines_with(text: str, part: str) -> list[str]:
    return [line for line in text.splitlines() if part in line]


@pytest.mark.slow
def test_an_unreachable_database_is_one_line_and_retried(
    consumer_processes: ConsumerProcesses,
) -> None:
    consumer = consumer_processes.start(
        "catalog", env={"DATABASE_URL": UNREACHABLE, "MESSAGE_STORE_URL": UNREACHABLE}
    )
    time.sleep(4)  # several probes

    assert consumer.is_running(), consumer.log_text()
    assert consumer.terminate(timeout=10) == 0
    log = consumer.log_text()
    [line] = lines_with(log, "unreachable")
    assert "message store unreachable: connection failed:" in line
    assert "127.0.0.1" in line
    assert "port 1 failed: Connection refused" in line
    assert "retrying every 0.5 s until it answers" in line
    assert "Is the server running" not in log  # psycopg's second line
    assert "Traceback" not in log


@pytest.mark.slow
def test_a_message_store_without_its_schema_names_the_command_that_installs_it(
    store_env: dict[str, str], consumer_processes: ConsumerProcesses
) -> None:
    without_schema = database_url("default")  # the view database has no message store
    consumer = consumer_processes.start("catalog", env={"MESSAGE_STORE_URL": without_schema})
    time.sleep(4)

    assert consumer.is_running(), consumer.log_text()
    assert consumer.terminate(timeout=10) == 0
    log = consumer.log_text()
    [line] = lines_with(log, "schema is not installed")
    assert SCHEMA_HINT in line
    assert "Traceback" not in log
