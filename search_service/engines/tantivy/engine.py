"""The tantivy engine: the catalog's searchable documents in an embedded tantivy index.

Layout under the engine's home (``<index_dir>/tantivy``), as the Whoosh engine's
(:mod:`~search_service.engines.builds`): each build is a tantivy index of its own directory. A commit is tantivy's (atomic:
a killed run leaves the last commit searchable); a rebuild writes a new build and swaps it
in by replacing ``current.json``. Searches notice a commit or a swap by the files' stamps
and reload, so a running service sees another process's commits without a restart. A build
of another layout (:data:`~projection.LAYOUT`, recorded beside it) is not read: it is
rebuilt from the catalog by the next catch-up or reindex.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tantivy

from search_service.engines.base import EngineHit, EngineResult, SearchRequest
from search_service.engines.builds import Builds, BuildWriter
from search_service.engines.tantivy.facets import CountCache, FacetCounter
from search_service.engines.tantivy.projection import (
    DATE_FIELD, LAYOUT, build_schema, document,
)
from search_service.engines.tantivy.query import search_query
from search_service.errors import UnavailableError

META_FILE = "meta.json"  # tantivy's record of a build's committed segments
LAYOUT_FILE = "layout.json"  # ours: the projection layout a build was made with


def _stamp(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return info.st_ino, info.st_mtime_ns, info.st_size


def _layout(build: Path) -> int:
    """The layout ``build`` was made with (1: before layouts were recorded)."""
    try:
        return int(json.loads((build / LAYOUT_FILE).read_text("utf-8"))["layout"])
    except (OSError, ValueError, KeyError, TypeError):
        return 1


class TantivyEngine(BuildWriter):
    """A tantivy index of the catalog's searchable documents (one writer, many readers)."""

    name = "tantivy"
    takes_tokens = True

    def __init__(self, home: Path, heap_bytes: int = 256_000_000) -> None:
        self.home = home
        self.builds = Builds(home)
        self.heap_bytes = heap_bytes
        self.schema = build_schema()
        self._lock = threading.Lock()
        self._opened: tuple[tuple, tuple, tantivy.Index] | None = None
        self._build: tuple[tuple, Path] = ((), Path())  # current.json's stamp, its build
        self._counts = CountCache()
        self._writer: Any = None
        self._building: tuple[str, tantivy.Index] | None = None

    # -- state ---------------------------------------------------------------------------

    def _readable(self) -> bool:
        """Whether the current build opens and reads (a missing or corrupt one is rebuilt)."""
        try:
            self._index().searcher().num_docs  # noqa: B018 - reading is the check
        except UnavailableError:
            return False
        return True

    # -- reading ----------------------------------------------------------------------------

    def _index(self) -> tantivy.Index:
        """The current build, reopened after a swap and reloaded after a commit."""
        return self._reader()[2]

    def _reader(self) -> tuple[tuple, tuple, tantivy.Index, tantivy.Searcher]:
        """The current build's state and commit stamps, its index and a searcher of it,
        taken together: the index reloads only here (manually), so the stamps name the
        searcher's snapshot."""
        try:
            state = _stamp(self.builds.state_file)
            known, build = self._build
            if known != state:  # current.json is read again only when it changed
                build = self.builds.current()
                self._build = (state, build)
            meta = _stamp(build / META_FILE)
        except OSError as exc:
            raise UnavailableError("检索服务暂不可用：索引尚未建立，请先运行 archive-search index "
                                   "或 archive-search reindex") from exc
        with self._lock:
            try:
                if self._opened is None or self._opened[0] != state:
                    self._opened = None
                    if _layout(build) != LAYOUT:
                        raise ValueError("索引格式已更新")
                    opened = tantivy.Index.open(str(build))
                    opened.config_reader(reload_policy="Manual")
                    self._opened = (state, meta, opened)
                elif self._opened[1] != meta:
                    self._opened[2].reload()
                    self._opened = (state, meta, self._opened[2])
            except ValueError as exc:
                self._opened = None
                raise UnavailableError(f"检索服务暂不可用：索引无法读取（{exc}），"
                                       "请运行 archive-search reindex") from exc
            return (*self._opened, self._opened[2].searcher())

    def search(self, request: SearchRequest) -> EngineResult:
        state, meta, _, searcher = self._reader()
        query = search_query(self.schema, request)
        by_score = not request.plan.is_empty and request.sort == "relevance"
        total, hits = 0, []
        if query is not None:
            total, hits = self._page(searcher, query, request, by_score)
        counter = FacetCounter(searcher, self.schema, (state, meta), self._counts)
        counted = counter.counts(request, query, total)
        return EngineResult(total=total, hits=hits, facets=counted)

    def _page(self, searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest,
              by_score: bool) -> tuple[int, list[EngineHit]]:
        """The exact total and the requested page of hits, by score or by date."""
        order: dict[str, Any] = {}
        if not by_score:
            order = {"order_by_field": DATE_FIELD, "order": tantivy.Order.Asc
                     if request.sort == "date_asc" else tantivy.Order.Desc}
        found = searcher.search(query, max(request.limit, 1), count=True,
                                offset=request.offset, **order)
        hits = [EngineHit(searcher.doc(address).get_first("doc_id"),
                          float(score) if by_score else None)
                for score, address in found.hits[:request.limit]]
        return found.count, hits

    def count(self) -> int:
        return self._index().searcher().num_docs

    def generation(self) -> str:
        _, meta, _, _ = self._reader()
        return f"{self._build[1].name}:{meta[1]}"

    def close(self) -> None:
        self._discard_writer()
        self._opened = None

    # -- writing (the lifecycle is BuildWriter's) ------------------------------------------

    def _new_index(self, path: Path) -> tantivy.Index:
        (path / LAYOUT_FILE).write_text(json.dumps({"layout": LAYOUT}), "utf-8")
        return tantivy.Index(self.schema, path=str(path))

    def _open_writer(self, ix: tantivy.Index) -> Any:
        try:
            return ix.writer(heap_size=self.heap_bytes)
        except ValueError as exc:  # tantivy's LockBusy: another writer holds the index
            raise UnavailableError("索引正由另一个进程写入（例如正在运行的 archive-search "
                                   "index），请稍后再试") from exc

    def _cancel_writer(self, writer: Any) -> None:
        writer.rollback()

    def _commit_writer(self, writer: Any) -> None:
        writer.commit()
        writer.wait_merging_threads()  # releases the index's writer lock

    def replace(self, records: Iterable[Mapping[str, Any]]) -> None:
        writer = self._writing()
        fresh = self._building is not None  # a new build holds only what was added to it
        for record in records:
            if not fresh:
                writer.delete_documents_by_term("doc_id", str(record["doc_id"]))
            writer.add_document(document(record))

    def delete(self, doc_ids: Iterable[str]) -> None:
        if self._building is not None:
            return
        writer = self._writing()
        for doc_id in doc_ids:
            writer.delete_documents_by_term("doc_id", doc_id)
