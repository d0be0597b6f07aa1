"""Media budget: seconds and peak memory of a real transcode job and a real transcribe job.

Part of `./dev bench-pipeline` (or run alone: `python -m benchmarks.media`). Two spoken clips
are generated: 10 s at 640x360 (a two-rung ladder: 240p and 360p; the budget is both jobs
together in at most 2 s, 5x faster than real time) and 60 s at 1280x720 (four rungs; target
faster than real time). Each job runs as the consumer runs it (`transcode.backend`,
`transcribe.backend`, storage included, the message store left out) in a fresh child process,
so that its peak resident memory (`ru_maxrss`: its own, and for the transcode ffmpeg's) is
the job's alone. The Whisper model is loaded before the clock starts, as a transcribe
consumer loads it once at start-up; its load time is printed apart. Each child runs its job
twice, as a consumer runs one video after another: the figure is the second run, the first
(which also pays one-time set-up such as the voice-activity model) is shown beside it.
Wall seconds are noisy on a shared machine; the CPU seconds (the job's process and its ffmpeg
children) are not, and divided by the cores bound what a quiet machine would take. Nothing
here asserts.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH = (
    "The catalog turns every upload into a video that plays in any browser. "
    "It writes down what people say, so that everyone can follow along. "
    "A good caption appears when the words are spoken and leaves when they end. "
    "Short lines are easier to read than long ones, and two lines are enough. "
)
CLIPS = (("10 s 640x360", 10.0, (640, 360)), ("60 s 1280x720", 60.0, (1280, 720)))


def budget_figures() -> None:
    """Print the budget table: one line per clip and job, then the totals against real time."""
    from tests.media_factory import make_spoken_clip

    print("\nreal media (each job in its own process, as a consumer runs it; peak = max RSS):")
    with tempfile.TemporaryDirectory(prefix="bench-media-") as folder:
        for label, seconds, size in CLIPS:
            repeats = max(1, round(seconds / 16))
            clip = make_spoken_clip(
                Path(folder) / f"{size[1]}p.mp4", PARAGRAPH * repeats, seconds=seconds, size=size
            )
            transcode = _run_job("transcode", clip)
            transcribe = _run_job("transcribe", clip)
            for name, figures in (("transcode", transcode), ("transcribe", transcribe)):
                print(
                    f"  {label:<14} {name:<10} {figures['seconds']:6.2f} s  "
                    f"(first {figures['first_seconds']:5.2f} s, "
                    f"cpu {figures['cpu_seconds']:5.2f} s)  "
                    f"peak {figures['rss_mb']:4.0f} MB{_ffmpeg_peak(name, figures)}  "
                    f"{figures['detail']}"
                )
            together = transcode["seconds"] + transcribe["seconds"]
            print(
                f"  {label:<14} together   {together:6.2f} s  = "
                f"{seconds / together:4.1f}x real time  "
                f"(Whisper model load {transcribe['load_seconds']:.2f} s, once per process)"
            )
    print("  budget: 10 s clip together <= 2 s (5x real time); 60 s clip faster than real time")


def _ffmpeg_peak(kind: str, figures: dict) -> str:
    """ffmpeg's own peak, for the transcode (a transcribe's ffmpeg only decodes sound: its
    max RSS would show the Python process's pages it shared until exec)."""
    return f" + ffmpeg {figures['child_rss_mb']:4.0f} MB" if kind == "transcode" else ""


def _run_job(kind: str, clip: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.media", "--job", kind, str(clip)],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING", "SIMULATED_MEDIA": "false"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def job(kind: str, clip: Path) -> dict:
    """One job on a copy of `clip` in a scratch MEDIA_ROOT (runs in the child process)."""
    import django
    from django.conf import settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    with tempfile.TemporaryDirectory(prefix="bench-job-") as media_root:
        settings.MEDIA_ROOT = media_root
        (Path(media_root) / "uploads").mkdir()
        shutil.copy(clip, Path(media_root) / "uploads" / clip.name)
        source = f"uploads/{clip.name}"
        load_seconds = 0.0
        if kind == "transcribe":
            from transcribe import backend, model

            started = time.perf_counter()
            model.get_model()
            load_seconds = time.perf_counter() - started

            def run(attempt: int) -> str:
                output = backend.transcribe(f"bench-{attempt}", source)
                return f"{len(output.cues)} cues, {len(output.transcript.split())} words"
        else:
            from transcode import backend

            def run(attempt: int) -> str:
                output = backend.transcode(f"bench-{attempt}", source)
                return " ".join(f"{r.height}p" for r in output.renditions) + " + MP4 + poster"

        timings, cpu = [], []
        for attempt in range(2):
            started, cpu_started = time.perf_counter(), _cpu_seconds()
            detail = run(attempt)
            timings.append(time.perf_counter() - started)
            cpu.append(_cpu_seconds() - cpu_started)
    return {
        "seconds": timings[-1],
        "first_seconds": timings[0],
        "cpu_seconds": cpu[-1],
        "load_seconds": load_seconds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "detail": detail,
    }


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (ffmpeg), user and system."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) == 4 and sys.argv[1] == "--job":
        print(json.dumps(job(sys.argv[2], Path(sys.argv[3]))))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    budget_figures()


if __name__ == "__main__":
    main()
