"""The index as the service sees it: opened lazily, always at its latest commit.

Each request gets a searcher over the newest committed generation, so a run of the indexer
is served without a restart. Opening a searcher costs milliseconds per segment, so each
worker thread keeps its own and refreshes it only when the generation changed (a searcher
is not shared between threads: refreshing closes what the old one used). A missing or
unreadable index is a 503, retried on the next request (the indexer may create it meanwhile).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from whoosh.index import EmptyIndexError, FileIndex
from whoosh.searching import Searcher

from indexer.errors import IndexDirError
from indexer.store import open_index, read_meta
from search_service.errors import UnavailableError


class LiveIndex:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._ix: FileIndex | None = None
        self._lock = threading.Lock()
        self._local = threading.local()

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
        """This thread's searcher, refreshed to the latest commit."""
        ix = self._index()
        current: Searcher | None = getattr(self._local, "searcher", None)
        try:
            current = current.refresh() if current is not None else ix.searcher()
        except (OSError, EOFError, ValueError, EmptyIndexError) as exc:
            self._local.searcher = None
            with self._lock:
                self._ix = None  # the index was removed or replaced: reopen next time
            raise UnavailableError(f"检索服务暂不可用：索引无法读取（{exc}）") from exc
        self._local.searcher = current
        yield current

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
