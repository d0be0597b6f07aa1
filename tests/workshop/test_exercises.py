"""Every exercise of exercises/ runs as a learner runs it (`python exercises/NN_name.py`, a child
process on the test databases), prints what happened and what to look at next, and leaves the
store as it says: the idempotence exercises write exactly one event or command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from message_store.store import MessageStore
from message_store.streams import ALL, category
from tests.consumers.controls import wait_until
from tests.consumers.processes import BASE_DIR, ConsumerProcesses
from videos.models import Video

EXERCISES = BASE_DIR / "exercises"
WORKSHOP_NAMES = [
    "01-write-a-message",
    "02-handle-transcribe-command",
    "03-double-handle-transcribe-command",
    "04-projecting-the-transcription",
    "05-write-transcribe-command",
    "06-handle-transcode-command",
    "07-handle-catalog-command",
    "08-handle-started-event",
    "09-handle-transcoded-event-caused-by-catalog",
    "10-handle-transcoded-event-in-catalog-stream",
    "11-handle-transcribed-event-in-transcribe-stream",
    "12-handle-transcribed-event-in-catalog-stream",
    "13-whole-process",
]

PRINTS = {
    # exercise: what it prints, and (category, type, count) of what it leaves in the store
    "01": (
        ["refused: message has no id", "at position 0", "PaymentReceived"],
        ("payment", "PaymentReceived", 1),
    ),
    "02": (["holds 1 message", "Transcribed in transcribe-"], ("transcribe", "Transcribed", 1)),
    "03": (["wrote 1 Transcribed event"], ("transcribe", "Transcribed", 1)),
    "04": (["Is it transcribed? yes", "TranscribeJob(finished=True)"], None),
    "06": (["wrote 1 Transcoded event", "finished=True"], ("transcode", "Transcoded", 1)),
    "07": (["wrote 1 Started event"], ("catalog", "Started", 1)),
    "08": (["How many Transcode commands are there? 1."], ("transcode:command", "Transcode", 1)),
    "09": (["1 copy in the video's stream"], ("catalog", "Transcoded", 1)),
    "10": (["1 Transcribe command"], ("transcribe:command", "Transcribe", 1)),
    "11": (["1 copy:"], ("catalog", "Transcribed", 1)),
    "12": (["1 Cataloged event"], ("catalog", "Cataloged", 1)),
}


def exercise(number: str) -> Path:
    [path] = EXERCISES.glob(f"{number}_*.py")
    return path


def run_exercise(number: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(exercise(number)), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output, output
    assert "Look next:" in done.stdout, output
    return done.stdout


def count(store: MessageStore, name: str, message_type: str) -> int:
    return sum(
        1
        for m in store.read(ALL, batch_size=-1)
        if category(m.stream_name) == name and m.type == message_type
    )


@pytest.fixture
def exercise_env(store_env: dict[str, str], media_root: Path) -> dict[str, str]:
    return {**store_env, "MEDIA_ROOT": str(media_root), "SIMULATED_MEDIA": "true"}


def test_the_thirteen_exercises_have_the_workshops_numbers_and_names():
    names = sorted(path.stem.replace("_", "-") for path in EXERCISES.glob("[0-9][0-9]_*.py"))
    assert names == WORKSHOP_NAMES


@pytest.mark.parametrize("number", list(PRINTS))
def test_the_exercise_prints_what_happened(store: MessageStore, exercise_env, number: str):
    expected, left = PRINTS[number]

    output = run_exercise(number, exercise_env)

    for words in expected:
        assert words in output, output
    if left is not None:
        name, message_type, how_many = left
        assert count(store, name, message_type) == how_many, output


@pytest.mark.slow
def test_exercise_02_with_real_speech_recognition(store: MessageStore, exercise_env):
    output = run_exercise("02", {**exercise_env, "SIMULATED_MEDIA": "false"})

    assert "Transcribed in transcribe-" in output
    [transcribed] = [m for m in store.read("transcribe", batch_size=-1)]
    assert transcribed.data["captionsUri"].endswith(".vtt")


def test_exercise_05_is_handled_by_the_running_consumer(
    store: MessageStore, exercise_env, consumer_processes: ConsumerProcesses
):
    consumer_processes.start("transcribe", env={"SIMULATED_MEDIA": "true"})

    output = run_exercise("05", exercise_env, "60")

    assert "The subscription 'transcribe' (transcribe/component.py) handled it:" in output
    assert count(store, "transcribe", "Transcribed") == 1


def test_exercise_05_says_what_to_start_when_nothing_runs(store: MessageStore, exercise_env):
    output = run_exercise("05", exercise_env, "0.5")

    assert "Nothing yet: is the system running?" in output


@pytest.mark.slow
def test_exercise_13_is_carried_to_cataloged_by_the_running_system(
    store: MessageStore, exercise_env, consumer_processes: ConsumerProcesses
):
    """With real media: the exercise's sample clip is transcoded and its speech recognised."""
    for component in ("catalog", "transcode", "transcribe", "videos"):
        consumer_processes.start(component)

    output = run_exercise("13", {**exercise_env, "SIMULATED_MEDIA": "false"}, "120")

    for step in ("Started", "Transcoded", "Transcribed", "Cataloged"):
        assert f"  {step}\n" in output, output + consumer_processes.logs()
    video = wait_until(
        lambda: Video.objects.filter(status=Video.Status.CATALOGED).first(),
        timeout=30,
        what="the view row",
        details=consumer_processes.logs,
    )
    assert (video.title, video.is_playable) == ("Exercise 13", True)
    assert "The view data has it: 'Exercise 13', Ready." in output
    [command] = store.read("catalog:command", batch_size=-1)
    assert (command.metadata, command.data["name"]) == ({}, "Exercise 13")
