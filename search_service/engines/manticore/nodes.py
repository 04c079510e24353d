"""The Manticore/Sphinx cluster as a setting: which searchd nodes hold which shard.

``ARCHIVE_SEARCH_MANTICORE_NODES`` lists the shards, separated by commas; each shard is one
node or several mirrors of it separated by ``|``; a node is ``host:port`` (the SphinxQL
port, ``mysql41``) or ``host:port:api_port`` (the binary-protocol port distributed indexes
use between nodes; default ``port + 1``)::

    127.0.0.1:9306,127.0.0.1:9308                  two shards, one node each
    10.0.0.1:9306|10.0.0.2:9306,10.0.0.3:9306|10.0.0.4:9306   two shards, two mirrors each

Every node holds exactly one shard (in an RT index named ``shard<k>``) and a distributed
index ``archive`` over its own shard and the other shards' nodes (as agent mirrors), so any
node can answer a search; the first node listed is asked first.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.errors import InputError

DISTRIBUTED_INDEX = "archive"
META_INDEX = "meta"


@dataclass(frozen=True)
class Node:
    """One searchd process."""

    host: str
    port: int  # SphinxQL (mysql41)
    api_port: int  # binary protocol, for agents of distributed indexes

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def agent_address(self) -> str:
        return f"{self.host}:{self.api_port}"

    @classmethod
    def parse(cls, text: str) -> "Node":
        parts = text.strip().split(":")
        try:
            if len(parts) not in (2, 3) or not parts[0]:
                raise ValueError(text)
            port = int(parts[1])
            api_port = int(parts[2]) if len(parts) == 3 else port + 1
            if not (0 < port < 65536 and 0 < api_port < 65536):
                raise ValueError(text)
        except ValueError as exc:
            raise InputError(f"Manticore 节点“{text.strip()}”无效，应为 主机:端口 或 主机:端口:API端口"
                             ) from exc
        return cls(parts[0], port, api_port)

    def spec(self) -> str:
        return f"{self.host}:{self.port}:{self.api_port}"


def shard_index(shard: int) -> str:
    return f"shard{shard}"


@dataclass(frozen=True)
class Topology:
    """Shards in order, each with its mirrors (at least one node)."""

    shards: tuple[tuple[Node, ...], ...]

    @classmethod
    def parse(cls, text: str) -> "Topology":
        shards = tuple(tuple(Node.parse(n) for n in part.split("|"))
                       for part in text.split(",") if part.strip())
        if not shards:
            raise InputError("未配置 Manticore 节点：请设置 ARCHIVE_SEARCH_MANTICORE_NODES")
        nodes = [n.address for mirrors in shards for n in mirrors]
        if len(set(nodes)) != len(nodes):
            raise InputError("Manticore 节点重复：每个节点只能存放一个分片")
        return cls(shards)

    @property
    def nodes(self) -> list[Node]:
        """Every node, in the order searches try them (first mirrors first)."""
        firsts = [mirrors[0] for mirrors in self.shards]
        return firsts + [n for mirrors in self.shards for n in mirrors[1:]]

    def shard_of(self, node: Node) -> int:
        for shard, mirrors in enumerate(self.shards):
            if node in mirrors:
                return shard
        raise KeyError(node.address)

    def shard_named(self, host: str, port: int) -> int | None:
        """The shard of the node listening on ``host:port`` (either port), if any."""
        for shard, mirrors in enumerate(self.shards):
            if any(n.host == host and port in (n.port, n.api_port) for n in mirrors):
                return shard
        return None

    def spec(self) -> str:
        return ",".join("|".join(n.spec() for n in mirrors) for mirrors in self.shards)
