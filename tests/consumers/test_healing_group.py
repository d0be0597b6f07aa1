"""A healing consumer group (`consume <component> --group-size M`, no `--group-member`): one process
claims every slot, a second one takes its share, and when one is killed with SIGKILL the other
takes over its slots; every command is handled, exactly one outcome each."""

from __future__ import annotations

import pytest

from message_store.store import MessageStore
from tests.consumers.controls import last_position, transcode_command_example, wait_until
from tests.consumers.groups import SIMULATED, outcomes_by_command, shares, slot_holders
from tests.consumers.processes import ConsumerProcesses

SIZE = 4


@pytest.mark.slow
def test_a_killed_member_s_slots_are_taken_over_and_nothing_is_lost(
    store: MessageStore, consumer_processes: ConsumerProcesses
) -> None:
    group = ("--group-size", str(SIZE))
    first = consumer_processes.start("transcode", *group, env=SIMULATED)
    wait_until(
        lambda: shares(store, SIZE) == [SIZE],
        timeout=30,
        what="the first member to claim every slot",
        details=consumer_processes.logs,
    )
    second = consumer_processes.start("transcode", *group, env=SIMULATED)
    wait_until(
        lambda: shares(store, SIZE) == [2, 2],
        timeout=30,
        what="the slots to be shared two and two",
        details=consumer_processes.logs,
    )
    store.write_batch([transcode_command_example(n) for n in range(1, 41)])
    wait_until(
        lambda: len(outcomes_by_command(store)) == 40,
        timeout=60,
        what="the first commands to be handled",
        details=consumer_processes.logs,
    )

    first.kill()
    store.write_batch([transcode_command_example(n) for n in range(41, 81)])

    wait_until(
        lambda: len(outcomes_by_command(store)) == 80,
        timeout=60,
        what="every command to be handled after the kill",
        details=consumer_processes.logs,
    )
    wait_until(
        lambda: shares(store, SIZE) == [SIZE],
        timeout=15,
        what="the survivor to hold every slot",
        details=consumer_processes.logs,
    )
    assert set(outcomes_by_command(store).values()) == {1}  # no command handled twice
    assert second.terminate() == 0, consumer_processes.logs()
    log = second.log_text()
    assert log.count("claimed slot(s)") >= 2  # its share on joining, then the dead member's
    assert "Traceback" not in log
    last = max(m.global_position for m in store.read("transcode:command", batch_size=-1))
    for member in range(SIZE):
        # Each slot moves past the whole category, whoever held it when.
        assert last_position(store, f"transcode+{member}of{SIZE}") >= last
    assert slot_holders(store, SIZE) == {}  # released on exit
