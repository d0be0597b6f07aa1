"""A small network of hosts on this one machine: Linux network namespaces joined by a bridge.

Each host is a network namespace with one veth link to a bridge in the test's own namespace,
so the hosts reach each other (and the test reaches them) only over real TCP/IP, by address:
nothing they share through loopback, unix sockets or localhost ports can make a test pass.
A host is cut off by taking its link down, which is what a dead network or a crashed machine
looks like to its peers. Needs root and `ip` (iproute2); `available()` says why not otherwise.

Names carry the test process's id, so runs in parallel (other worktrees, CI) do not collide.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class NetworkError(RuntimeError):
    """A namespace, link or address could not be set up."""


def available() -> str | None:
    """None when namespaces can be made here; otherwise the reason (for a skip)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is not installed"
    probe = f"vcprobe{os.getpid() % 100000}"
    try:
        _ip("netns", "add", probe)
    except NetworkError as error:
        return f"network namespaces are not permitted here ({error})"
    _ip("netns", "del", probe)
    return None


@dataclass
class Host:
    name: str
    address: str
    namespace: str
    link: str
    processes: list[subprocess.Popen] = field(default_factory=list)

    def command(self, args: list[str]) -> list[str]:
        """`args` run inside this host's namespace."""
        return ["ip", "netns", "exec", self.namespace, *args]

    def start(
        self, args: list[str], *, env: dict[str, str], log: Path, cwd: Path | None = None
    ) -> subprocess.Popen:
        """Start a long-running process on this host, its output in `log`."""
        with log.open("ab") as output:
            process = subprocess.Popen(
                self.command(args),
                env=env,
                cwd=cwd,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        done = subprocess.run(self.command(args), capture_output=True, text=True, **kwargs)
        if done.returncode != 0:
            raise NetworkError(f"on {self.name}: {' '.join(args)}: {done.stderr.strip()}")
        return done

    def cut_off(self) -> None:
        """Take the host's only link down: its peers see a dead host, it sees no network."""
        self.run(["ip", "link", "set", "eth0", "down"])

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)


class Network:
    """A bridge with an address of its own (for the test) and hosts added one by one."""

    def __init__(self) -> None:
        tag = os.getpid() % 100000
        self.prefix = f"vc{tag}"
        # 10.(200..249).(0..249).0/24: one subnet per test process.
        self.subnet = f"10.{200 + tag % 50}.{(tag // 50) % 250}"
        self.bridge = f"{self.prefix}br"
        self.hosts: dict[str, Host] = {}
        self._next = 2

    @property
    def gateway(self) -> str:
        """The test's own address on the bridge."""
        return f"{self.subnet}.1"

    def __enter__(self) -> Network:
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        return self

    def add(self, name: str) -> Host:
        namespace = f"{self.prefix}{name}"
        link = f"{self.prefix}{name}"[:15]
        address = f"{self.subnet}.{self._next}"
        self._next += 1
        _ip("netns", "add", namespace)
        _ip("link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", namespace)
        _ip("link", "set", link, "master", self.bridge, "up")
        inside = ["ip", "netns", "exec", namespace, "ip"]
        _run([*inside, "addr", "add", f"{address}/24", "dev", "eth0"])
        _run([*inside, "link", "set", "eth0", "up"])
        _run([*inside, "link", "set", "lo", "up"])
        _run([*inside, "route", "add", "default", "via", self.gateway])
        host = Host(name, address, namespace, link)
        self.hosts[name] = host
        return host

    def __exit__(self, *exc_info) -> None:
        for host in self.hosts.values():
            host.stop()
        for host in self.hosts.values():
            with contextlib.suppress(NetworkError):
                _ip("link", "del", host.link)
            with contextlib.suppress(NetworkError):
                _ip("netns", "del", host.namespace)
        with contextlib.suppress(NetworkError):
            _ip("link", "del", self.bridge)


@contextlib.contextmanager
def network() -> Iterator[Network]:
    with Network() as made:
        yield made


def _ip(*args: str) -> None:
    _run(["ip", *args])


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise NetworkError(f"{' '.join(args)}: {done.stderr.strip()}")
