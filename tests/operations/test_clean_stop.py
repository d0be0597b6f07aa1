"""`./dev up` stops cleanly on Ctrl-C: honcho sends SIGTERM to each Procfile process's group, the
consumers cancel their long jobs (a real transcode and a real transcription, whose ffmpeg gets
the signal too) and exit 0 well within honcho's 5 s, so honcho never sends SIGKILL; nothing is
recorded as failed and nothing is parked."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from message_store.status import read_processes
from message_store.store import MessageStore
from tests.consumers.controls import parked, stored, transcode_command_example, wait_until
from tests.consumers.processes import BASE_DIR
from tests.consumers.test_long_job import STORY
from tests.media_factory import make_spoken_clip
from tests.operations.controls import free_port
from tests.transcribe import controls as transcribe_controls

SOURCE_URI = "uploads/story.mp4"


def busy(store: MessageStore) -> set[str]:
    return {p.component for p in read_processes(store) if p.alive and p.busy}


@pytest.mark.slow
def test_ctrl_c_stops_every_process_without_sigkill(
    store: MessageStore, store_env: dict[str, str], media_root: Path, tmp_path: Path
) -> None:
    (media_root / "uploads").mkdir()
    # Long enough (about 150 s of speech) for both jobs to be in hand at a heartbeat.
    make_spoken_clip(media_root / SOURCE_URI, " ".join([STORY] * 4), size=(640, 360))
    commands = [
        stored(store, transcode_command_example(1002, uri=SOURCE_URI)),
        stored(store, transcribe_controls.transcribe_example(uri=SOURCE_URI)),
    ]
    env = {
        **store_env,
        "MEDIA_ROOT": str(media_root),
        "SIMULATED_MEDIA": "false",
        "DEBUG": "true",
        "WEB_PORT": str(free_port()),
        "PATH": f"{BASE_DIR / '.venv' / 'bin'}:{os.environ['PATH']}",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "honcho.log"
    with log.open("wb") as output:
        honcho = subprocess.Popen(
            ["honcho", "start", "-f", "Procfile"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # like a terminal: Ctrl-C reaches honcho, not its children
        )
    try:
        wait_until(
            lambda: busy(store) == {"transcode", "transcribe"},
            timeout=60,
            what="both jobs under way",
            details=log.read_text,
        )

        honcho.send_signal(signal.SIGINT)
        honcho.wait(30)
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait(10)

    text = log.read_text()
    assert "SIGTERM" in text, text
    assert "SIGKILL" not in text, text
    for component in ("catalog", "transcode", "transcribe", "videos"):
        assert f"{component}.1 stopped (rc=0)" in text, text
    assert "Traceback" not in text
    assert store.read("transcode", batch_size=-1) == []
    assert store.read("transcribe", batch_size=-1) == []
    assert parked() == []
    assert len(commands) == 2
