"""`manage.py status`: a line per subscriber with its stored position, lag (messages and the age
of the oldest), liveness from the heartbeats and parked count; exit 1 naming each subscriber that
is down or lags past a threshold; `--json` for scripts; every slot of a group expected."""

from __future__ import annotations

import json

import pytest

from message_store.store import MessageStore
from tests.consumers.controls import transcode_command_example, wait_until
from tests.consumers.processes import ConsumerProcesses
from tests.operations.controls import (
    SIMULATED,
    manage,
    process_status,
    three_handled_one_parked,
)


def status(*args: str, env: dict[str, str]) -> tuple[int, dict]:
    completed = manage("status", "--component", "transcode", "--json", *args, env=env)
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed.returncode, {**json.loads(completed.stdout), "stderr": completed.stderr}


PROCESS_COLUMNS = ["component", "process", "subscribers", "handled", "metrics_port"]


@pytest.mark.slow
def test_status_says_who_is_alive_how_far_behind_and_fails_when_one_is_down(
    store: MessageStore, store_env: dict[str, str], consumer_processes: ConsumerProcesses
) -> None:
    consumer = consumer_processes.start("transcode", env=SIMULATED)
    last = three_handled_one_parked(store, consumer)

    text = manage("status", "--component", "transcode", env=store_env)
    code, alive = status(env=store_env)

    assert text.returncode == 0, text.stderr
    header, line, _, process_header, process_line = text.stdout.splitlines()
    assert header.split()[:5] == ["component", "subscriber", "slot", "position", "lag"]
    assert line.split()[:8] == ["transcode", "transcode", "-", str(last), "0", "-", "alive", "1"]
    assert process_header.split() == PROCESS_COLUMNS
    assert process_line.split()[0] == "transcode"
    assert process_line.split()[1].endswith(f":{consumer.pid}")
    assert code == 0
    assert alive["ok"] is True
    [subscriber] = alive["subscribers"]
    assert (subscriber["position"], subscriber["lag"], subscriber["parked"]) == (last, 0, 1)
    assert subscriber["alive"] is True
    [process] = alive["processes"]
    assert (process["pid"], process["state"]) == (consumer.pid, "alive")

    consumer.kill()
    store.write_batch([transcode_command_example(n) for n in range(4, 6)])
    code, down = status("--max-lag", "1", env=store_env)

    assert code == 1
    [subscriber] = down["subscribers"]
    assert subscriber["alive"] is False
    assert subscriber["lag"] == 2
    assert subscriber["lag_seconds"] >= 0
    assert down["problems"] == [
        "transcode is down (no live process runs it)",
        "transcode lags 2 messages (> 1)",
    ]
    assert "transcode is down" in down["stderr"]
    assert [p["state"] for p in down["processes"]] == ["dead"]


@pytest.mark.slow
def test_every_slot_of_a_group_is_expected_and_a_stopped_process_says_so(
    store: MessageStore, store_env: dict[str, str], consumer_processes: ConsumerProcesses
) -> None:
    member = consumer_processes.start(
        "transcode", "--group-member", "0", "--group-size", "2", env=SIMULATED
    )
    wait_until(lambda: process_status(store, member), timeout=30, what="the first heartbeat")

    code, running = status(env=store_env)

    assert code == 1
    slots = {s["subscriber_id"]: (s["slot"], s["alive"]) for s in running["subscribers"]}
    assert slots == {"transcode+0of2": ("0 of 2", True), "transcode+1of2": ("1 of 2", False)}
    assert running["problems"] == ["transcode+1of2 is down (no live process runs it)"]

    assert member.terminate() == 0
    code, stopped = status(env=store_env)

    assert code == 1
    assert {s["subscriber_id"] for s in stopped["subscribers"]} == set(slots)
    assert [p["state"] for p in stopped["processes"]] == ["stopped"]
