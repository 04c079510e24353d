"""The Manticore/Sphinx engine: the catalog's searchable documents sharded by 户号 over
searchd nodes, searched through each node's distributed index.

Writes go to a shard's own RT index on every mirror of that shard, in batches of
``batch_size`` rows sent from a thread of their own (:class:`Sender`: the next rows are
projected while searchd indexes the last); a document whose 户号 moved it to another shard
is deleted from the others in the same step. Searches ask the first node that answers;
shards whose nodes (all mirrors) are down are named in ``EngineResult.missing`` and the
result is partial.
"""

from __future__ import annotations

import hashlib
import queue
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from search_service.engines.base import EngineHit, EngineResult, SearchRequest
from search_service.engines.manticore import projection, sphinxql
from search_service.engines.manticore.connections import Connections, NodeDown
from search_service.engines.manticore.nodes import (
    DISTRIBUTED_INDEX, META_INDEX, Node, Topology, shard_index,
)
from search_service.errors import UnavailableError

_AGENT = re.compile(r"agent ([^\s:]+):(\d+)")
_INSERT = f"REPLACE INTO {{index}} ({', '.join(projection.COLUMNS)}) VALUES"
_GENERATION_ID, _BATCH_ID, _BUILD_ID = 1, 2, 3  # rows of the meta index
_PURGE_CHUNK = 10_000
_DOWN_SECONDS = 5.0


def _delete(shard: int, ids: Iterable[int]) -> str:
    return f"DELETE FROM {shard_index(shard)} WHERE id IN ({', '.join(map(str, ids))})"


def shard_for(account_no: str, shards: int) -> int:
    """The shard of a customer's documents: a stable hash of the 户号."""
    digest = hashlib.blake2b(account_no.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


class Sender:
    """Runs writes in order from a thread of its own; the first failure is raised by the
    next :meth:`send` or :meth:`wait` (and nothing after it is sent)."""

    def __init__(self, write: Any, depth: int = 4) -> None:
        self._write = write
        self._queue: queue.Queue[tuple[Node, list[tuple[str, Any]]] | None] = queue.Queue(depth)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def send(self, node: Node, statements: list[tuple[str, Any]]) -> None:
        self._raise()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="manticore-writes",
                                            daemon=True)
            self._thread.start()
        self._queue.put((node, statements))

    def wait(self) -> None:
        """Return when everything sent is written; raise the first failure."""
        if self._thread is not None:
            self._queue.join()
        self._raise()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _raise(self) -> None:
        if self._error is not None:
            self._queue.join()  # what was queued after the failure is dropped, not sent
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                if self._error is None:
                    self._write(*item)
            except BaseException as exc:  # noqa: BLE001 - handed to the writing thread
                self._error = exc
            finally:
                self._queue.task_done()


@dataclass(frozen=True)
class State:
    """What the ``meta`` index of a node records (all nodes hold the same after a commit)."""

    generation: int = 0
    applied_batch: int = 0
    build: int = 0
    recorded: bool = False  # False: the node's meta is empty (new or wiped)


class ManticoreEngine:
    """A :class:`~search_service.engines.base.SearchEngine` over searchd nodes (SphinxQL).

    A rebuild (:meth:`clear`, records, :meth:`commit`) writes the other of two builds while
    searches keep reading the current one; the commit switches the build in every node's
    ``meta`` index and removes the old build's rows.
    """

    name = "manticore"
    takes_tokens = True

    def __init__(self, topology: Topology, batch_size: int = 500,
                 connect_timeout: float = 2.0) -> None:
        self.topology = topology
        self.batch_size = batch_size
        self.connections = Connections(connect_timeout=connect_timeout)
        self._pending: dict[int, dict[int, tuple]] = {s: {} for s in range(len(topology.shards))}
        self._build: int | None = None  # the build written to (None: read it from meta)
        self._rebuilding = False
        self._down: dict[Node, float] = {}  # node -> until when it is tried last
        self._sender = Sender(self._write)

    @classmethod
    def from_settings(cls, settings: Any) -> "ManticoreEngine":
        """The engine on ``settings.manticore_nodes`` (``ARCHIVE_SEARCH_MANTICORE_NODES``)."""
        return cls(Topology.parse(settings.manticore_nodes))

    # -- state ------------------------------------------------------------------------------

    def _node_state(self, node: Node) -> State:
        (rows,), = self.connections.run(node, [(f"SELECT id, value FROM {META_INDEX}", None)])
        values = dict(rows)
        return State(int(values.get(_GENERATION_ID, 0)), int(values.get(_BATCH_ID, 0)),
                     int(values.get(_BUILD_ID, 0)), bool(values))

    def _states(self) -> list[State]:
        """The state of every node that answers (at least one must)."""
        found = []
        for node in self.topology.nodes:
            try:
                found.append(self._node_state(node))
            except NodeDown:
                continue
        if not found:
            raise UnavailableError("检索服务暂不可用：所有检索节点均无法连接")
        return found

    def _state(self) -> State:
        """The cluster's state: that of the first node recording one."""
        states = self._states()
        return next((s for s in states if s.recorded), states[0])

    def applied_batch(self) -> int:
        """The last catalog batch committed; 0 when any node lost its data (a wiped node is
        then filled again by the catch-up from batch 0)."""
        states = self._states()
        return 0 if not all(s.recorded for s in states) else min(s.applied_batch for s in states)

    def _write_build(self) -> int:
        if self._build is None:
            self._build = self._state().build
        return self._build

    # -- writing ----------------------------------------------------------------------------

    def replace(self, records: Iterable[Mapping[str, Any]]) -> None:
        shards = len(self.topology.shards)
        build = self._write_build()
        for record in records:
            shard = shard_for(str(record.get("account_no") or ""), shards)
            values = projection.row(record, build)
            self._pending[shard][values[0]] = values
            if len(self._pending[shard]) >= self.batch_size:
                self._flush(shard)

    def _flush(self, shard: int) -> None:
        rows = list(self._pending[shard].values())
        if not rows:
            return
        self._pending[shard] = {}
        statements = [(sql, None) for sql in sphinxql.values_statements(
            _INSERT.format(index=shard_index(shard)), rows)]
        for node in self.topology.shards[shard]:
            self._sender.send(node, statements)
        if not self._rebuilding:  # the customer may have moved: one copy only
            ids = [r[0] for r in rows]
            self._on_every_node(lambda other: _delete(other, ids) if other != shard else "",
                                self._sender.send)

    def delete(self, doc_ids: Iterable[str]) -> None:
        self._sender.wait()
        ids = sorted({projection.rt_id(d, b) for d in doc_ids for b in (0, 1)})
        for pending in self._pending.values():
            for rt_id in ids:
                pending.pop(rt_id, None)
        for start in range(0, len(ids), self.batch_size):
            chunk = ids[start:start + self.batch_size]
            self._on_every_node(lambda shard: _delete(shard, chunk))

    def commit(self, batch: int | None = None) -> None:
        for shard in self._pending:
            self._flush(shard)
        self._sender.wait()
        state = self._state()
        build = self._write_build()
        applied = batch if batch is not None else (0 if self._rebuilding else state.applied_batch)
        values = {_GENERATION_ID: max(time.time_ns(), state.generation + 1),
                  _BATCH_ID: applied, _BUILD_ID: build}
        rows = ", ".join(f"({i}, 'state', {v})" for i, v in values.items())
        for node in self.topology.nodes:
            self._write(node, [(f"REPLACE INTO {META_INDEX} (id, name, value) VALUES {rows}",
                                None)])
        if self._rebuilding:
            self._rebuilding = False
            self._purge(1 - build)

    def clear(self) -> None:
        """Start a rebuild into the other build; searches see the current one until commit."""
        for pending in self._pending.values():
            pending.clear()
        self._sender.wait()
        self._build = 1 - self._state().build
        self._rebuilding = True
        self._purge(self._build)

    def _purge(self, build: int) -> None:
        """Remove every row of ``build`` from every node."""
        for shard, mirrors in enumerate(self.topology.shards):
            for node in mirrors:
                select = (f"SELECT id FROM {shard_index(shard)} WHERE {projection.BUILD_ATTR} = "
                          f"{build} LIMIT {_PURGE_CHUNK} OPTION max_matches={_PURGE_CHUNK}")
                while True:
                    (rows,), = self.connections.run(node, [(select, None)])
                    if not rows:
                        break
                    self._write(node, [(_delete(shard, [r[0] for r in rows]), None)])

    def _on_every_node(self, statement: Any, write: Any = None) -> None:
        """Run ``statement(shard)`` (unless empty) on every node of each shard, through
        ``write`` (default: at once)."""
        for shard, mirrors in enumerate(self.topology.shards):
            sql = statement(shard)
            for node in mirrors if sql else ():
                (write or self._write)(node, [(sql, None)])

    def _write(self, node: Node, statements: list[tuple[str, Any]]) -> None:
        try:
            self.connections.run(node, statements)
        except NodeDown as exc:
            raise UnavailableError(f"检索节点 {node.address} 无法写入（分片 "
                                   f"{self.topology.shard_of(node)}）：请检查该节点后重新索引"
                                   ) from exc

    # -- reading ----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> EngineResult:
        keys = sphinxql.scope_keys(request)
        if keys is not None and not keys:
            return EngineResult(total=0, hits=[], facets={f: {} for f in request.facets})
        result = self._first_answer(lambda node: self._search_on(node, request))
        for _ in range(self._retries_for(result.missing)):
            # Sphinx 2.2 retries a failed agent on the same mirror; its HA strategy avoids a
            # dead mirror only after a few failures: ask again while another mirror may answer
            result = self._first_answer(lambda node: self._search_on(node, request))
            if not result.missing:
                break
        return result

    def _retries_for(self, missing: tuple[str, ...]) -> int:
        mirrors = [len(m) for s, m in enumerate(self.topology.shards) if shard_index(s) in missing]
        return 4 * max(mirrors) if mirrors and max(mirrors) > 1 else 0

    def _first_answer(self, ask: Any) -> Any:
        """``ask(node)`` on the first node that answers, in the topology's order; a node that
        did not answer is tried last for the next few seconds."""
        now = time.monotonic()
        nodes = sorted(self.topology.nodes, key=lambda n: self._down.get(n, 0.0) > now)
        reasons = []
        for node in nodes:
            try:
                answer = ask(node)
            except NodeDown as exc:
                self._down[node] = time.monotonic() + _DOWN_SECONDS
                reasons.append(str(exc))
                continue
            self._down.pop(node, None)
            return answer
        raise UnavailableError("检索服务暂不可用：所有检索节点均无法连接（" + "；".join(reasons) + "）")

    def _search_on(self, node: Node, request: SearchRequest) -> EngineResult:
        state = self._node_state(node)
        build = (state if state.recorded else self._state()).build
        selected = [f for f in request.facets if request.filters.get(f)]
        together = [f for f in request.facets if f not in selected]
        queries = [sphinxql.search_statement(DISTRIBUTED_INDEX, request, build)]
        if together:
            queries.append(sphinxql.facets_statement(DISTRIBUTED_INDEX, request, build))
        queries += [sphinxql.facet_statement(DISTRIBUTED_INDEX, request, f, build)
                    for f in selected]
        # each query's own SHOW META: any of them may have met a shard that did not answer
        answers = self.connections.run(node, [(q, None) for sql in queries
                                              for q in (sql, "SHOW META")])
        sets = [answer[0] for answer in answers[0::2]]
        metas = [dict(answer[0]) for answer in answers[1::2]]
        rows = sets.pop(0)
        facets = sphinxql.all_counts(sets.pop(0), together) if together else {}
        facets.update((name, sphinxql.counts(name, found)) for name, found in zip(selected, sets))
        warnings = " ".join(m["warning"] for m in metas if m.get("warning"))
        ranked = request.sort == "relevance" and not request.plan.is_empty
        hits = [EngineHit(doc_id, float(score) if ranked else None) for _, doc_id, score in rows]
        return EngineResult(total=int(metas[0].get("total_found", 0)), hits=hits,
                            facets={f: facets.get(f, {}) for f in request.facets},
                            missing=self._missing(warnings))

    def _missing(self, warning: str) -> tuple[str, ...]:
        """Shards named by the distributed index's warning (agents that did not answer)."""
        shards = {self.topology.shard_named(host, int(port))
                  for host, port in _AGENT.findall(warning)}
        named = tuple(shard_index(s) for s in sorted(s for s in shards if s is not None))
        return named or ((warning,) if warning else ())

    def count(self) -> int:
        build = self._state().build

        def ask(node: Node) -> int:
            _, (meta,) = self.connections.run(node, [
                (f"SELECT id FROM {DISTRIBUTED_INDEX} WHERE {projection.BUILD_ATTR} = {build} "
                 "LIMIT 0", None), ("SHOW META", None)])
            return int(dict(meta).get("total_found", 0))
        return self._first_answer(ask)

    def generation(self) -> str:
        state = self._state()
        return f"{state.build}:{state.generation}"

    def close(self) -> None:
        self._sender.close()
        self.connections.close()
