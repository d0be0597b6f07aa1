"""Consumer processes under test: `manage.py consume <component>` started as children of the
test, on the test databases, each logging to its own file (shown when an assertion fails)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a management command as an operator would, in a process of its own."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class ConsumerProcess:
    def __init__(self, component: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.component = component
        self.log = log
        command = [sys.executable, "manage.py", "consume", component, *args]
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def is_running(self) -> bool:
        return self.process.poll() is None

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit code (the process is killed if it does not stop in time)."""
        if self.is_running():
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"consume {self.component} ignored SIGTERM for {timeout:g} s\n{self.log_text()}"
            ) from None

    def kill(self) -> None:
        if self.is_running():
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


class ConsumerProcesses:
    """Starts consumers with one environment; whatever is still running at the end is killed."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = {**env, "PYTHONUNBUFFERED": "1"}
        self.log_dir = log_dir
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.started: list[ConsumerProcess] = []

    def start(
        self, component: str, *args: str, env: dict[str, str] | None = None
    ) -> ConsumerProcess:
        log = self.log_dir / f"{component}-{len(self.started)}.log"
        process = ConsumerProcess(
            component, ["--poll-interval", "1", *args], {**self.env, **(env or {})}, log
        )
        self.started.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.component} (pid {p.pid}) ---\n{p.log_text()}" for p in self.started
        )

    def close(self) -> None:
        for process in self.started:
            process.kill()
