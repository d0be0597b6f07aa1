"""A consumer at work on a long job (a real transcode, a real transcription) reads as alive and
busy with that message in its heartbeat; SIGTERM cancels the job (ffmpeg killed, Whisper stopped),
removes its temporary files, leaves the message unhandled (not parked, no outcome, position not
moved past it) and exits 0; the next consumer handles that message again."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from message_store.messages import Message
from message_store.status import read_processes
from message_store.store import MessageStore
from tests.consumers.controls import (
    last_position,
    parked,
    stored,
    transcode_command_example,
    wait_until,
)
from tests.consumers.processes import ConsumerProcess, ConsumerProcesses
from tests.media_factory import make_spoken_clip
from tests.transcribe import controls as transcribe_controls
from tests.transcribe.controls import SENTENCE

SOURCE_URI = "uploads/long.mp4"
STORY = (
    "The morning train left the station a little after seven. Most passengers read the paper or"
    " looked out at the fields. A farmer was repairing a fence near the river, and two dogs ran"
    " along the bank. Further on, the line climbed into the hills, where the air was cooler and"
    " the trees grew close together. At the top of the pass there was a small village with a"
    " church, a bakery and a post office. The baker had been awake since four, shaping loaves and"
    " setting them out to rise. Children walked to school in pairs, carrying bags that looked too"
    " heavy for them. An old man sat on a bench and fed the pigeons."
)
"""Varied speech (a sentence said over and over makes Whisper decode each chunk several times)."""


def busy_with(store: MessageStore, consumer: ConsumerProcess, message: Message) -> bool:
    return any(
        p.alive and p.pid == consumer.pid and (p.busy or {}).get("messageId") == message.id
        for p in read_processes(store)
    )


def job_outcomes(store: MessageStore, category: str) -> list[Message]:
    return store.read(category, batch_size=-1)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """The consumers' TMPDIR, where jobs keep their temporary files."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("component", ["transcode", "transcribe"])
def test_sigterm_cancels_a_long_job_and_leaves_its_message_for_next_time(
    store: MessageStore,
    consumer_processes: ConsumerProcesses,
    media_root: Path,
    scratch: Path,
    component: str,
) -> None:
    (media_root / "uploads").mkdir()
    if component == "transcode":
        make_spoken_clip(media_root / SOURCE_URI, SENTENCE, seconds=30, size=(1280, 720))
        command = stored(store, transcode_command_example(1001, uri=SOURCE_URI))
    else:
        # Long enough (about 150 s of speech, 10 s or more of work) to be in hand at the
        # heartbeat after the one the consumer starts with (`HEARTBEAT_SECONDS` later).
        make_spoken_clip(media_root / SOURCE_URI, " ".join([STORY] * 4), size=(320, 180))
        command = stored(store, transcribe_controls.transcribe_example(uri=SOURCE_URI))
    env = {"TMPDIR": str(scratch)}
    consumer = consumer_processes.start(component, env=env)
    wait_until(
        lambda: busy_with(store, consumer, command),
        timeout=30,
        what="the heartbeat to say it is busy with the command",
        details=consumer_processes.logs,
    )
    children = psutil.Process(consumer.pid).children(recursive=True)

    exit_code = consumer.terminate(timeout=10)

    log = consumer.log_text()
    assert exit_code == 0, log
    assert "left to be delivered again" in log
    assert "Traceback" not in log
    assert job_outcomes(store, component) == []
    assert parked() == []
    assert (last_position(store, component) or 0) < command.global_position
    # onnxruntime (Whisper's voice activity filter) leaves a session file of its own there.
    assert [path.name for path in scratch.iterdir() if path.name != ".ses"] == []
    assert not [child for child in children if child.is_running()]  # ffmpeg killed, reaped

    again = consumer_processes.start(component, env=env)
    wait_until(
        lambda: busy_with(store, again, command),
        timeout=30,
        what="the next consumer to take the command up again",
        details=consumer_processes.logs,
    )
    assert again.terminate(timeout=10) == 0
