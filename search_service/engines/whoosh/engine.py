"""The Whoosh engine: the embedded default, a projection of the catalog kept in files.

Layout under the engine's home (``<index_dir>/whoosh``): :mod:`~search_service.engines.builds`;
each build is a Whoosh index of its own directory. A rebuild (:meth:`WhooshEngine.clear`,
records, :meth:`commit`) writes a new build and swaps it in, so searches never see a
half-built index, and a deleted or corrupt index is simply rebuilt from the catalog.

Searching needs no stored fields: every searcher works over column arrays cached per
segment (:mod:`whoosh_columns`); each thread keeps its own searcher, refreshed when a commit
or a swap changed the index.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from indexer.schema import MULTI_FACETS, build_schema
from search_service.engines.base import EngineResult, SearchRequest
from search_service.engines.builds import Builds, BuildWriter
from search_service.engines.whoosh.columns import ColumnCache
from search_service.engines.whoosh.files import InPlaceStorage
from search_service.engines.whoosh.search import search as run_search
from search_service.errors import UnavailableError

_BROKEN = (OSError, EOFError, ValueError, KeyError, struct.error, index.IndexError)


class WhooshEngine(BuildWriter):
    """A Whoosh index of the catalog's searchable documents (one writer, many readers)."""

    name = "whoosh"
    takes_tokens = False

    def __init__(self, home: Path, limitmb: int = 256) -> None:
        self.home = home
        self.builds = Builds(home)
        self.limitmb = limitmb
        self.columns = ColumnCache()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._opened: tuple[tuple, FileIndex] | None = None
        self._writer: Any = None
        self._building: tuple[str, FileIndex] | None = None

    # -- state ---------------------------------------------------------------------------

    def _readable(self) -> bool:
        """Whether the current build opens and reads (a corrupt one is rebuilt)."""
        try:
            with self._index().searcher() as searcher:
                searcher.doc_count()
                searcher.reader().column_reader("doc_id")
        except UnavailableError:
            return False
        except _BROKEN:
            return False
        return True

    # -- reading ----------------------------------------------------------------------------

    def _index(self) -> FileIndex:
        """The current build, reopened when ``current.json`` changed (a swap)."""
        try:
            info = self.builds.state_file.stat()
        except OSError as exc:
            raise UnavailableError("检索服务暂不可用：索引尚未建立，请先运行 archive-search index "
                                   "或 archive-search reindex") from exc
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        with self._lock:
            if self._opened is None or self._opened[0] != stamp:
                build = self.builds.current()
                try:
                    self._opened = (stamp, _open_index(build))
                except _BROKEN as exc:
                    raise UnavailableError(f"检索服务暂不可用：索引无法读取（{exc}），"
                                           "请运行 archive-search reindex") from exc
            return self._opened[1]

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """This thread's searcher at the latest commit (threads never share one)."""
        ix = self._index()
        held: tuple[FileIndex, Searcher] | None = getattr(self._local, "held", None)
        try:
            if held is not None and held[0] is ix:
                current = held[1].refresh()
            else:
                if held is not None:
                    held[1].close()
                current = ix.searcher()
        except _BROKEN as exc:
            self._local.held = None
            with self._lock:
                self._opened = None
            raise UnavailableError(f"检索服务暂不可用：索引无法读取（{exc}）") from exc
        if held is None or current is not held[1]:  # a new commit: drop merged-away segments
            self.columns.forget_except({sub.reader().segment().segment_id()
                                        for sub, _ in current.leaf_searchers()})
        self._local.held = (ix, current)
        yield current

    def search(self, request: SearchRequest) -> EngineResult:
        with self.searcher() as searcher:
            return run_search(searcher, self.columns, request)

    def count(self) -> int:
        with self.searcher() as searcher:
            return searcher.doc_count()

    def generation(self) -> str:
        """The build this thread's searcher reads (the name of its directory: no read of
        ``current.json``, which the open already did) and its commit."""
        with self.searcher() as searcher:
            build = Path(self._local.held[0].storage.folder).name
            return f"{build}:{searcher.reader().generation()}"

    def close(self) -> None:
        held = getattr(self._local, "held", None)
        if held is not None:
            held[1].close()
            self._local.held = None
        self._discard_writer()

    # -- writing (the lifecycle is BuildWriter's) ------------------------------------------

    def _new_index(self, path: Path) -> FileIndex:
        return index.create_in(str(path), build_schema())

    def _open_writer(self, ix: FileIndex) -> Any:
        return ix.writer(limitmb=self.limitmb)

    def _cancel_writer(self, writer: Any) -> None:
        writer.cancel()

    def _commit_writer(self, writer: Any) -> None:
        writer.commit()

    def replace(self, records: Iterable[Mapping[str, Any]]) -> None:
        writer = self._writing()
        add = writer.add_document if self._building is not None else writer.update_document
        for record in records:
            add(**{name: " ".join(value) if name in MULTI_FACETS else value
                   for name, value in record.items()})

    def delete(self, doc_ids: Iterable[str]) -> None:
        if self._building is not None:
            return  # a new build holds only what was added to it
        writer = self._writing()
        for doc_id in doc_ids:
            writer.delete_by_term("doc_id", doc_id)


def _open_index(build: Path) -> FileIndex:
    """The index in ``build``, its files read in place (:mod:`whoosh_files`: a thread's
    searcher holds no copy of the segments)."""
    return InPlaceStorage(str(build)).open_index(schema=build_schema())
