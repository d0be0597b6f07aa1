"""CPU time of processes on this machine, from /proc, for the benchmarks' per-operation figures.

On a shared machine wall-clock figures swing with everyone else's load; the CPU seconds a
process spends on the work do much less, so the benchmarks print both.
"""

from __future__ import annotations

import os


class CpuMeter:
    """CPU seconds used by named process trees (a process, its live children and the children
    it reaped) and by the PostgreSQL server behind a connection (its postmaster and every
    backend, including those that exited): a server on another machine is left out."""

    def __init__(self, conn, pids: dict[str, int]) -> None:
        self.pids = pids
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        stat = _proc_stat(backend)
        self.postmaster = int(stat[1]) if stat else None

    def read(self) -> dict[str, float]:
        seconds = {name: tree_seconds(pid) for name, pid in self.pids.items()}
        if self.postmaster is not None:
            seconds["postgres"] = tree_seconds(self.postmaster)
        return seconds

    @staticmethod
    def per(before: dict[str, float], after: dict[str, float], count: int) -> dict[str, float]:
        """Milliseconds of CPU per operation, by process, between two readings."""
        return {name: (after[name] - before[name]) * 1000 / count for name in after}


def tree_seconds(pid: int) -> float:
    """utime + stime of `pid`, of the children it reaped, and of its live children's trees."""
    stat = _proc_stat(pid)
    if stat is None:
        return 0.0
    own = sum(int(value) for value in stat[11:15]) / os.sysconf("SC_CLK_TCK")
    return own + sum(tree_seconds(child) for child in _children(pid))


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) at the start"


def _proc_stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(int(entry))
            if stat is not None and int(stat[1]) == parent:
                found.append(int(entry))
    return found
