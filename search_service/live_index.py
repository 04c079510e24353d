"""The index as the service sees it: opened lazily, always at its latest commit.

Each request gets a searcher over the newest committed generation, so a run of the indexer
is served without a restart. A missing or unreadable index is a 503, retried on the next
request (the indexer may create it meanwhile).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex
from whoosh.searching import Searcher

from indexer.errors import IndexDirError
from indexer.store import open_index, read_meta
from search_service.errors import UnavailableError


class LiveIndex:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._ix: FileIndex | None = None
        self._lock = threading.Lock()

    def _index(self) -> FileIndex:
        with self._lock:
            if self._ix is None:
                try:
                    self._ix = open_index(self.index_dir)
                except IndexDirError as exc:
                    raise UnavailableError(f"检索服务暂不可用：{exc.message}") from exc
            return self._ix

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher over the latest commit, closed when the block ends."""
        ix = self._index()
        try:
            searcher = ix.searcher()
        except (OSError, EOFError, ValueError) as exc:
            with self._lock:
                self._ix = None  # the index was removed or replaced: reopen next time
            raise UnavailableError(f"检索服务暂不可用：索引无法读取（{exc}）") from exc
        try:
            yield searcher
        finally:
            searcher.close()

    def facts(self) -> dict[str, Any]:
        """Document count, generation and the time of the last commit."""
        with self.searcher() as searcher:
            reader = searcher.reader()
            documents, generation = reader.doc_count(), reader.generation()
        ix = self._index()
        finished = read_meta(self.index_dir).get("finished_at")
        stamp = float(finished) if isinstance(finished, (int, float)) else ix.last_modified()
        return {"documents": documents, "generation": generation,
                "last_commit": datetime.fromtimestamp(stamp, timezone.utc).isoformat()}
