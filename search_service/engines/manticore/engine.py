"""The Manticore/Sphinx engine: the catalog's searchable documents sharded by 户号 over
searchd nodes, searched through each node's distributed index.

Writes go to a shard's own RT index on every mirror of that shard, in batches of
``batch_size`` rows; a document whose 户号 moved it to another shard is deleted from the
others in the same step. Searches ask the first node that answers; shards whose nodes (all
mirrors) are down are named in ``EngineResult.missing`` and the result is partial.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

from search_service.engines.base import EngineHit, EngineResult, SearchRequest
from search_service.engines.manticore import projection, sphinxql
from search_service.engines.manticore.connections import Connections, NodeDown
from search_service.engines.manticore.nodes import (
    DISTRIBUTED_INDEX, META_INDEX, Node, Topology, shard_index,
)
from search_service.errors import UnavailableError

_AGENT = re.compile(r"agent ([^\s:]+):(\d+)")
_INSERT = (f"REPLACE INTO {{index}} ({', '.join(projection.COLUMNS)}) "
           f"VALUES ({', '.join(['%s'] * len(projection.COLUMNS))})")
_GENERATION_ID = 1


def shard_for(account_no: str, shards: int) -> int:
    """The shard of a customer's documents: a stable hash of the 户号."""
    digest = hashlib.blake2b(account_no.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


class ManticoreEngine:
    """A :class:`~search_service.engines.base.SearchEngine` over searchd nodes (SphinxQL)."""

    name = "manticore"

    def __init__(self, topology: Topology, batch_size: int = 500,
                 connect_timeout: float = 2.0) -> None:
        self.topology = topology
        self.batch_size = batch_size
        self.connections = Connections(connect_timeout=connect_timeout)
        self._pending: dict[int, dict[int, tuple]] = {s: {} for s in range(len(topology.shards))}

    @classmethod
    def from_settings(cls, settings: Any) -> "ManticoreEngine":
        """The engine on ``settings.manticore_nodes`` (``ARCHIVE_SEARCH_MANTICORE_NODES``)."""
        return cls(Topology.parse(settings.manticore_nodes))

    # -- writing ----------------------------------------------------------------------------

    def replace(self, records: Iterable[Mapping[str, Any]]) -> None:
        shards = len(self.topology.shards)
        for record in records:
            shard = shard_for(str(record.get("account_no") or ""), shards)
            values = projection.row(record)
            self._pending[shard][values[0]] = values
            if len(self._pending[shard]) >= self.batch_size:
                self._flush(shard)

    def _flush(self, shard: int) -> None:
        rows = list(self._pending[shard].values())
        if not rows:
            return
        self._pending[shard] = {}
        sql = _INSERT.format(index=shard_index(shard))
        for node in self.topology.shards[shard]:
            self._write(node, [(sql, rows)])
        ids = ", ".join(str(r[0]) for r in rows)
        for other, mirrors in enumerate(self.topology.shards):
            if other != shard:  # the customer may have moved: one copy only
                for node in mirrors:
                    self._write(node, [(f"DELETE FROM {shard_index(other)} WHERE id IN ({ids})",
                                        None)])

    def _flush_all(self) -> None:
        for shard in self._pending:
            self._flush(shard)

    def delete(self, doc_ids: Iterable[str]) -> None:
        ids = sorted({projection.rt_id(d) for d in doc_ids})
        if not ids:
            return
        for pending in self._pending.values():
            for rt_id in ids:
                pending.pop(rt_id, None)
        for start in range(0, len(ids), self.batch_size):
            chunk = ", ".join(map(str, ids[start:start + self.batch_size]))
            self._on_every_node(lambda shard: f"DELETE FROM {shard_index(shard)} "
                                              f"WHERE id IN ({chunk})")

    def commit(self) -> None:
        self._flush_all()
        self._bump_generation()

    def clear(self) -> None:
        for pending in self._pending.values():
            pending.clear()
        self._on_every_node(lambda shard: f"TRUNCATE RTINDEX {shard_index(shard)}")
        self._bump_generation()

    def _on_every_node(self, statement: Any) -> None:
        for shard, mirrors in enumerate(self.topology.shards):
            for node in mirrors:
                self._write(node, [(statement(shard), None)])

    def _write(self, node: Node, statements: list[tuple[str, Any]]) -> None:
        try:
            self.connections.run(node, statements)
        except NodeDown as exc:
            raise UnavailableError(f"检索节点 {node.address} 无法写入（分片 "
                                   f"{self.topology.shard_of(node)}）：请检查该节点后重新索引"
                                   ) from exc

    def _bump_generation(self) -> None:
        value = time.time_ns()
        sql = f"REPLACE INTO {META_INDEX} (id, name, value) VALUES ({_GENERATION_ID}, 'generation', {value})"
        for node in self.topology.nodes:
            self._write(node, [(sql, None)])

    # -- reading ----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> EngineResult:
        keys = sphinxql.scope_keys(request)
        if keys is not None and not keys:
            return EngineResult(total=0, hits=[], facets={f: {} for f in request.facets})
        return self._first_answer(lambda node: self._search_on(node, request))

    def _first_answer(self, ask: Any) -> Any:
        """``ask(node)`` on the first node that answers, in the topology's order."""
        reasons = []
        for node in self.topology.nodes:
            try:
                return ask(node)
            except NodeDown as exc:
                reasons.append(str(exc))
        raise UnavailableError("检索服务暂不可用：所有检索节点均无法连接（" + "；".join(reasons) + "）")

    def _search_on(self, node: Node, request: SearchRequest) -> EngineResult:
        filters = sphinxql.merged_filters(request)
        selected = [f for f in request.facets if filters.get(f)]
        together = [f for f in request.facets if f not in selected]
        statements = [(sphinxql.search_statement(DISTRIBUTED_INDEX, request, together), None),
                      ("SHOW META", None)]
        statements += [(sphinxql.facet_statement(DISTRIBUTED_INDEX, request, f), None)
                        for f in selected]
        answers = self.connections.run(node, statements)
        (rows, *facet_sets), (meta_rows,), *selected_sets = answers
        meta = dict(meta_rows)
        facets = {name: sphinxql.counts(found) for name, found in zip(together, facet_sets)}
        facets.update((name, sphinxql.counts(found[0]))
                      for name, found in zip(selected, selected_sets))
        ranked = request.sort == "relevance" and not request.plan.is_empty
        hits = [EngineHit(doc_id, float(score) if ranked else None) for _, doc_id, score in rows]
        return EngineResult(total=int(meta.get("total_found", 0)), hits=hits,
                            facets={f: facets.get(f, {}) for f in request.facets},
                            missing=self._missing(meta.get("warning", "")))

    def _missing(self, warning: str) -> tuple[str, ...]:
        """Shards named by the distributed index's warning (agents that did not answer)."""
        shards = {self.topology.shard_named(host, int(port))
                  for host, port in _AGENT.findall(warning)}
        named = tuple(shard_index(s) for s in sorted(s for s in shards if s is not None))
        return named or ((warning,) if warning else ())

    def count(self) -> int:
        def ask(node: Node) -> int:
            _, (meta,) = self.connections.run(
                node, [(f"SELECT id FROM {DISTRIBUTED_INDEX} LIMIT 0", None), ("SHOW META", None)])
            return int(dict(meta).get("total_found", 0))
        return self._first_answer(ask)

    def generation(self) -> str:
        def ask(node: Node) -> str:
            (found,), = self.connections.run(
                node, [(f"SELECT value FROM {META_INDEX} WHERE id = {_GENERATION_ID}", None)])
            return str(found[0][0]) if found else "0"
        return self._first_answer(ask)

    def close(self) -> None:
        self.connections.close()
