"""A consumer started with `--metrics-port` serves Prometheus metrics (messages handled, handler
time, parked, lag, slots held, ...) and a health check on that port, names the port in its
heartbeat, and refuses to start, in one line, when the port is taken."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from message_store.store import MessageStore
from tests.consumers.controls import wait_until
from tests.consumers.processes import ConsumerProcesses
from tests.operations.controls import (
    SIMULATED,
    get,
    get_json,
    process_status,
    three_handled_one_parked,
)

LABELS = {"component": "transcode", "subscriber": "transcode"}


def samples(url: str) -> dict[tuple[str, tuple], float]:
    status, text = get(url)
    assert status == 200, text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict, name: str, **labels: str) -> float:
    return found[(name, tuple(sorted(labels.items())))]


@pytest.mark.slow
def test_a_consumer_serves_its_metrics_and_health_on_its_port(
    store: MessageStore, consumer_processes: ConsumerProcesses
) -> None:
    consumer = consumer_processes.start("transcode", "--metrics-port", "0", env=SIMULATED)
    port = wait_until(
        lambda: (found := process_status(store, consumer)) and found.metrics_port,
        timeout=30,
        what="the heartbeat to name the metrics port",
        details=consumer.log_text,
    )
    last = three_handled_one_parked(store, consumer)

    found = samples(f"http://127.0.0.1:{port}/metrics")
    health_status, health = get_json(f"http://127.0.0.1:{port}/healthz")

    assert value(found, "consumer_messages_handled_total", **LABELS) == 3
    assert value(found, "consumer_messages_parked_total", **LABELS) == 1
    handler_count = value(found, "consumer_handler_seconds_count", **LABELS, type="Transcode")
    assert handler_count == 4  # the malformed one too
    assert value(found, "consumer_slots_held", component="transcode") == 1
    assert value(found, "consumer_position", **LABELS) == last
    assert value(found, "consumer_lag_messages", **LABELS) == 0
    assert value(found, "consumer_lag_seconds", **LABELS) == 0
    assert value(found, "consumer_parked_messages", **LABELS) == 1
    assert value(found, "consumer_busy_seconds", component="transcode") == 0
    assert value(found, "consumer_database_up", component="transcode") == 1
    assert ("process_cpu_seconds_total", ()) in found
    assert health_status == 200
    assert health["status"] == "ok"
    assert health["checks"] == {"loop": "ok", "database": "ok"}
    assert health["subscribers"] == ["transcode"]

    taken = consumer_processes.start("transcode", "--metrics-port", str(port), env=SIMULATED)
    assert taken.process.wait(60) == 1
    assert f"cannot serve metrics on port {port}: Address already in use" in taken.log_text()
    assert "Traceback" not in taken.log_text()
    assert consumer.terminate() == 0
