"""`manage.py consume <component>`: a thin command with clean errors, that stops on SIGTERM
after the message in hand (a short one: a long job is cancelled, see test_long_job), stores its
position, and exits 0."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from message_store.store import MessageStore
from tests.consumers.controls import last_position, transcode_command_example, wait_until
from tests.consumers.processes import ConsumerProcesses, manage


def test_help_describes_the_options(store_env: dict[str, str]) -> None:
    completed = manage("consume", "--help", env=store_env)

    assert completed.returncode == 0, completed.stderr
    for option in ("--group-member", "--group-size", "--until-idle", "--poll-interval"):
        assert option in completed.stdout
    for component in ("catalog", "transcode", "transcribe", "videos"):
        assert component in completed.stdout


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        (["--group-member", "0"], "a group member needs a group size"),
        (["--group-size", "0"], "the group size must be at least 1"),
        (["--group-size", "2", "--until-idle"], "--until-idle needs a fixed slot"),
        (["--group-member", "2", "--group-size", "2"], "less than the group size"),
        (["--group-member", "-1", "--group-size", "2"], "at least 0"),
        (["--group-member", "0", "--group-size", "0"], "less than the group size"),
        (["--batch-size", "0"], "must be positive"),
    ],
)
def test_bad_flags_are_a_command_error(flags: list[str], reason: str) -> None:
    with pytest.raises(CommandError, match=reason):
        call_command("consume", "catalog", *flags)


def test_bad_group_flags_exit_with_a_message_not_a_traceback(store_env: dict[str, str]) -> None:
    completed = manage(
        "consume", "catalog", "--group-member", "3", "--group-size", "2", env=store_env
    )

    assert completed.returncode == 1
    assert "CommandError: group member must be at least 0 and less than" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_an_unknown_component_is_refused(store_env: dict[str, str]) -> None:
    completed = manage("consume", "nonsense", env=store_env)

    assert completed.returncode == 2
    assert "invalid choice: 'nonsense'" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_sigterm_finishes_the_message_in_hand_stores_the_position_and_exits_0(
    store: MessageStore, consumer_processes: ConsumerProcesses
) -> None:
    store.write_batch([transcode_command_example(n) for n in range(1, 401)])
    commands = {m.id: m for m in store.read("transcode:command", batch_size=-1)}
    consumer = consumer_processes.start(
        "transcode",
        "--batch-size",
        "1000",
        "--position-update-interval",
        "1000",
        env={"SIMULATED_MEDIA": "true"},
    )

    def outcomes():
        return store.read("transcode", batch_size=-1)

    wait_until(
        lambda: len(outcomes()) >= 20,
        timeout=60,
        what="the first outcomes",
        details=consumer.log_text,
    )
    exit_code = consumer.terminate()

    log = consumer.log_text()
    assert exit_code == 0, log
    assert "Traceback" not in log
    causes = {m.metadata["causationMessageGlobalPosition"] for m in outcomes()}
    position = last_position(store, "transcode")
    assert position is not None, log
    assert causes == {m.global_position for m in commands.values() if m.global_position <= position}
    assert "transcode stopped after" in log
