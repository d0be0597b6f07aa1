"""`LOG_FORMAT=json`: one JSON object per log line, the handled message's context as keys."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from message_store.logging import JsonLogFormatter, MessageContextFilter, log_context
from message_store.store import MessageStore
from tests.catalog import controls
from tests.consumers.processes import BASE_DIR

CONTEXT = {"subscriber": "catalog-commands", "message_id": "m-1", "type": "Catalog", "trace": "t-1"}


def formatted(record: logging.LogRecord) -> dict:
    MessageContextFilter().filter(record)
    return json.loads(
        JsonLogFormatter("%(asctime)s %(levelname)s %(name)s %(message)s").format(record)
    )


def record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("catalog.handlers", level, __file__, 1, message, (), None)


def test_a_line_inside_a_handler_carries_the_message_context():
    with log_context(CONTEXT):
        line = formatted(record("video started"))

    assert line["message"] == "video started"
    assert line["level"] == "INFO"
    assert line["logger"] == "catalog.handlers"
    assert "time" in line
    assert {key: line[key] for key in CONTEXT} == CONTEXT
    assert "message_context" not in line


def test_a_line_outside_a_handler_has_no_context():
    line = formatted(record("consuming"))

    assert set(line) == {"time", "level", "logger", "message"}


def test_text_logs_keep_the_context_at_the_end_of_the_line():
    text = logging.Formatter("%(message)s%(message_context)s")
    with log_context({"subscriber": "s", "trace": "t"}):
        entry = record("handled")
        MessageContextFilter().filter(entry)

    assert text.format(entry) == "handled [subscriber=s trace=t]"


def test_a_consumer_logs_json_lines(store: MessageStore, store_env: dict[str, str]):
    store.write(controls.catalog_example())

    done = subprocess.run(
        [sys.executable, "manage.py", "consume", "catalog", "--until-idle", "--log-level", "DEBUG"],
        cwd=BASE_DIR,
        env={**store_env, "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert lines, done.stderr
    handled = [line for line in lines if line.get("type") == "Catalog"]
    assert handled, lines
    assert {line["trace"] for line in handled} == {controls.TRACE_ID}
    assert {line["subscriber"] for line in handled} == {"catalog-commands"}
