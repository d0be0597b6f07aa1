"""An ffmpeg never outlives the process that started it: a consumer killed with SIGKILL in the
middle of a job takes its encoder along, instead of leaving it to burn CPU beside the job's
rerun (seen in a user's walk: an orphaned 1080p encode at 180 % CPU)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.consumers.controls import wait_until

ROOT = Path(__file__).resolve().parents[2]


def ffmpeg_pids(marker: str) -> list[int]:
    """Live ffmpeg processes whose command line carries `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        program = cmdline.split(b"\0", 1)[0]
        is_ffmpeg = b"ffmpeg" in Path(os.fsdecode(program)).name.encode()
        if is_ffmpeg and marker.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's prctl is Linux's")
@pytest.mark.parametrize("how", ["transcode", "transcribe"])
def test_a_killed_process_takes_its_ffmpeg_along(how: str, tmp_path: Path) -> None:
    marker = f"orphan-check-{uuid.uuid4()}"
    if how == "transcode":  # a long encode, quiet on stderr as a transcode job runs it
        job = (
            "from transcode import ffmpeg\n"
            "ffmpeg._execute(['-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc',"
            f" '-t', '600', '-metadata', 'comment={marker}', '-f', 'null', '-'], timeout=600)\n"
        )
    else:  # ffmpeg feeding the sound to a reader that stops reading (Whisper at work)
        job = (
            "import time\n"
            "from transcode import ffmpeg\n"
            "import subprocess\n"
            "p = ffmpeg.start(['-nostdin', '-re', '-f', 'lavfi', '-i', 'sine=duration=600',"
            f" '-metadata', 'comment={marker}', '-f', 'f32le', '-'], stdout=subprocess.PIPE)\n"
            "p.stdout.read(1000)\n"
            "time.sleep(600)\n"
        )
    parent = subprocess.Popen(
        [sys.executable, "-c", job], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    try:
        wait_until(lambda: ffmpeg_pids(marker), timeout=30, what="ffmpeg to start")
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)

        wait_until(
            lambda: not ffmpeg_pids(marker),
            timeout=5,
            what="ffmpeg to die with its parent",
            details=lambda: str(ffmpeg_pids(marker)),
        )
    finally:
        for pid in ffmpeg_pids(marker):
            os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
