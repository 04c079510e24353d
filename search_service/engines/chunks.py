"""Chunks of catalog rows applied to an engine, projected here or in worker processes.

Projecting a record for an engine that takes analyzer tokens (tantivy, Manticore) is mostly
the analyzer, pure Python: a rebuild on two cores hands it to a worker process
(``workers``) while this process reads the catalog, derives the next chunk and writes the
engine. Chunks reach the engine in the order they were read, and nothing is committed here:
a failed or killed run leaves the engine's last commit as it was.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from search_service.engines.base import SearchEngine
from search_service.engines.projection import engine_record
from search_service.engines.tokens import ANALYSED, analysed

AHEAD = 2  # chunks a worker may project ahead of the engine's writing


def project(rows: Sequence[Mapping[str, Any]], derived: Mapping[str, Mapping[str, Any]],
            analyse: bool) -> list[dict[str, Any]]:
    """The engine records of searchable ``rows`` with their derived fields, and with their
    token texts (:data:`~search_service.engines.tokens.ANALYSED`) when ``analyse``."""
    records = [engine_record(row, derived[row["doc_id"]]) for row in rows]
    if analyse:
        for record in records:
            record[ANALYSED] = analysed(record)
    return records


class ChunkWriter:
    """Applies chunks (records to replace, doc ids to delete) to ``engine`` in order; with
    ``workers``, the records are projected in that many worker processes."""

    def __init__(self, engine: SearchEngine, workers: int = 0) -> None:
        self.engine = engine
        self.analyse = engine.takes_tokens
        self.pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn")) \
            if workers > 0 else None  # spawn: the engine's writer threads are running
        self.pending: deque[tuple[Future[list[dict[str, Any]]], list[str]]] = deque()

    def apply(self, rows: list[dict[str, Any]], derived: Mapping[str, Mapping[str, Any]],
              gone: list[str]) -> None:
        """Replace the searchable ``rows`` (their ``derived`` fields by doc id), delete
        ``gone``."""
        if self.pool is None:
            self._write(project(rows, derived, analyse=False), gone)  # the engine analyses
            return
        self.pending.append((self.pool.submit(project, rows, derived, self.analyse), gone))
        while len(self.pending) > AHEAD:
            self._write_next()

    def finish(self) -> None:
        """Write every chunk still being projected, and stop the workers."""
        try:
            while self.pending:
                self._write_next()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers, dropping what they have not done (a failed run)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        self.pending.clear()

    def _write_next(self) -> None:
        future, gone = self.pending.popleft()
        self._write(future.result(), gone)

    def _write(self, records: list[dict[str, Any]], gone: list[str]) -> None:
        if records:
            self.engine.replace(records)
        if gone:
            self.engine.delete(gone)
