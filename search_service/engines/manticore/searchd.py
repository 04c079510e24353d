"""Running a searchd process for one node (tests, benchmarks, a single-machine setup).

Production runs searchd (Manticore) under its service manager with a configuration written
by :func:`~search_service.engines.manticore.config.write_node_config`; this module starts it
in the foreground as a child process and stops it again.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import InputError
from search_service.engines.manticore.config import write_node_config
from search_service.engines.manticore.nodes import Node, Topology


def searchd_binary() -> str:
    found = shutil.which("searchd")
    if found is None:
        raise InputError("未找到 searchd：请安装 Manticore Search 或 sphinxsearch（apt-get install sphinxsearch）")
    return found


def free_port_pair(host: str = "127.0.0.1", taken: frozenset[int] = frozenset()) -> int:
    """A port ``p`` with ``p`` and ``p + 1`` both free on ``host`` (SphinxQL and agent ports)
    and neither in ``taken``."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
        if (port < 65535 and not {port, port + 1} & taken
                and _is_free(host, port) and _is_free(host, port + 1)):
            return port
    raise RuntimeError("no free pair of ports")


def _is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _accepts(node: Node) -> bool:
    try:
        with socket.create_connection((node.host, node.port), timeout=0.2):
            return True
    except OSError:
        return False


@dataclass
class Searchd:
    """One searchd child process serving ``node`` from ``data_dir``."""

    topology: Topology
    node: Node
    data_dir: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, timeout: float = 15.0) -> "Searchd":
        config = write_node_config(self.topology, self.node, self.data_dir)
        log = open(self.data_dir / "searchd.out", "ab")
        self.process = subprocess.Popen(
            [searchd_binary(), "--config", str(config), "--nodetach"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while not _accepts(self.node):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                output = (self.data_dir / "searchd.out").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"searchd on {self.node.address} did not start:\n{output}")
            time.sleep(0.05)
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """Stop gracefully (SIGTERM, flushing RT indexes), killing it if it does not exit."""
        if not self.running:
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL: the node vanishes as in a crash."""
        if self.running:
            assert self.process is not None
            self.process.kill()
            self.process.wait()

    def wipe(self) -> None:
        """Delete the node's data (it must be stopped): a node lost with its disk."""
        assert not self.running
        for path in self.data_dir.iterdir():
            if path.name != "searchd.out":
                shutil.rmtree(path) if path.is_dir() else path.unlink()


def start_cluster(topology: Topology, base_dir: Path) -> list[Searchd]:
    """Start every node of ``topology`` with its data under ``base_dir/node<i>``."""
    started: list[Searchd] = []
    try:
        for i, node in enumerate(topology.nodes):
            started.append(Searchd(topology, node, base_dir / f"node{i}").start())
    except BaseException:
        stop_all(started)
        raise
    return started


def stop_all(processes: list[Searchd]) -> None:
    for process in processes:
        process.stop()


def local_topology(shards: int, mirrors: int = 1, host: str = "127.0.0.1") -> Topology:
    """``shards`` shards of ``mirrors`` nodes each on free loopback ports."""
    taken: set[int] = set()
    for _ in range(shards * mirrors):
        port = free_port_pair(host, frozenset(taken))
        taken.update((port, port + 1))
    ports = sorted(taken)[::2]
    return Topology(tuple(tuple(Node(host, p, p + 1) for p in ports[s * mirrors:(s + 1) * mirrors])
                          for s in range(shards)))
