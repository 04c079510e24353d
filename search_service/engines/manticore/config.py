"""The searchd configuration of one node: its shard's RT index, the distributed index over
every shard, and a small ``meta`` index holding the generation.

The same file serves Sphinx 2.2 (Debian's ``sphinxsearch``) and Manticore Search, which
reads Sphinx configurations (production deployments should run Manticore).
"""

from __future__ import annotations

from pathlib import Path

from search_service.engines.manticore.nodes import (
    DISTRIBUTED_INDEX, META_INDEX, Node, Topology, shard_index,
)
from search_service.engines.manticore.projection import (
    BUILD_ATTR, DATE_ATTR, FACET_KEYS_ATTR, KEY_ATTRS, MULTI_KEY_ATTRS, RT_FIELDS, SCOPE_ATTR, STRING_ATTRS,
)

# Han ideographs (as indexer.analysis) and the characters of every other token: lower-case
# letters and digits (the analyzer folds full-width forms and case before they get here).
CHARSET_TABLE = ("0..9, A..Z->a..z, a..z, U+3400..U+4DBF, U+4E00..U+9FFF, U+F900..U+FAFF")


def _block(kind: str, name: str, lines: list[str]) -> str:
    body = "\n".join(f"    {line}" for line in lines)
    return f"{kind} {name}\n{{\n{body}\n}}\n" if name else f"{kind}\n{{\n{body}\n}}\n"


def shard_block(shard: int, data_dir: Path) -> str:
    lines = [
        "type = rt",
        f"path = {data_dir / shard_index(shard)}",
        "rt_mem_limit = 256M",
        "dict = keywords",
        "min_prefix_len = 1",  # identifier prefixes (3301*); plain terms stay exact
        f"charset_table = {CHARSET_TABLE}",
        *(f"rt_field = {f}" for f in RT_FIELDS),
        *(f"rt_attr_string = {a}" for a in STRING_ATTRS),
        *(f"rt_attr_bigint = {a}" for a in KEY_ATTRS if a not in MULTI_KEY_ATTRS),
        *(f"rt_attr_multi_64 = {a}" for a in MULTI_KEY_ATTRS),
        f"rt_attr_uint = {DATE_ATTR}",
        f"rt_attr_uint = {BUILD_ATTR}",
        f"rt_attr_multi_64 = {SCOPE_ATTR}",
        f"rt_attr_multi_64 = {FACET_KEYS_ATTR}",
    ]
    return _block("index", shard_index(shard), lines)


def distributed_block(topology: Topology, node: Node) -> str:
    own = topology.shard_of(node)
    lines = ["type = distributed", f"local = {shard_index(own)}"]
    for shard, mirrors in enumerate(topology.shards):
        if shard != own:
            agents = "|".join(m.agent_address for m in mirrors)
            lines.append(f"agent = {agents}:{shard_index(shard)}")
    lines += ["agent_connect_timeout = 300", "agent_query_timeout = 10000",
              "ha_strategy = nodeads"]
    return _block("index", DISTRIBUTED_INDEX, lines)


def meta_block(data_dir: Path) -> str:
    return _block("index", META_INDEX, [
        "type = rt", f"path = {data_dir / META_INDEX}", "rt_mem_limit = 1M",
        "rt_field = name", "rt_attr_bigint = value",
    ])


def searchd_block(node: Node, data_dir: Path) -> str:
    return _block("searchd", "", [
        f"listen = {node.host}:{node.port}:mysql41",
        f"listen = {node.host}:{node.api_port}",
        f"log = {data_dir / 'searchd.log'}",
        f"pid_file = {data_dir / 'searchd.pid'}",
        f"binlog_path = {data_dir}",
        "workers = threads",
        "max_packet_size = 128M",
        "read_timeout = 30",
        "client_timeout = 600",
        "agent_retry_count = 2",
        "agent_retry_delay = 50",
        "ha_ping_interval = 500",
        "seamless_rotate = 0",
        "collation_server = utf8_general_ci",
    ])


def node_config(topology: Topology, node: Node, data_dir: Path) -> str:
    """The whole configuration file of ``node``, keeping its data in ``data_dir``."""
    shard = topology.shard_of(node)
    return "\n".join([shard_block(shard, data_dir), meta_block(data_dir),
                      distributed_block(topology, node), searchd_block(node, data_dir)])


def write_node_config(topology: Topology, node: Node, data_dir: Path) -> Path:
    """Write ``data_dir/searchd.conf`` for ``node`` (creating the directory) and return it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "searchd.conf"
    path.write_text(node_config(topology, node, data_dir.resolve()), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m search_service.engines.manticore.config --node HOST:PORT --data DIR``:
    write that node's configuration for the cluster ``ARCHIVE_SEARCH_MANTICORE_NODES``."""
    import argparse
    import os
    import sys

    from indexer.errors import InputError

    parser = argparse.ArgumentParser(description="为一个检索节点写出 searchd 配置文件")
    parser.add_argument("--nodes", default=os.environ.get("ARCHIVE_SEARCH_MANTICORE_NODES", ""),
                        help="全部节点（默认取 ARCHIVE_SEARCH_MANTICORE_NODES）")
    parser.add_argument("--node", required=True, help="本节点 主机:端口（须在 --nodes 中）")
    parser.add_argument("--data", type=Path, required=True, help="本节点的数据目录")
    args = parser.parse_args(argv)
    try:
        topology = Topology.parse(args.nodes)
        wanted = Node.parse(args.node)
        node = next((n for n in topology.nodes if (n.host, n.port) == (wanted.host, wanted.port)),
                    None)
        if node is None:
            raise InputError(f"节点 {wanted.address} 不在配置的节点列表中")
    except InputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    path = write_node_config(topology, node, args.data)
    print(f"已写入 {path}（分片 {shard_index(topology.shard_of(node))}）；"
          f"启动：searchd --config {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
