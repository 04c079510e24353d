"""Whoosh column data as numpy arrays, per segment, cached for as long as the segment lives.

Facet counting, filters, scope and date sorting run over these arrays instead of Whoosh's
per-document Python calls: a facet count over 20,000 hits is one ``bincount``. Segments are
immutable (a merge makes a new one), so a segment's arrays are built once, on first use;
deletions are applied through a live-document mask keyed by the segment's deletion count.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from indexer.schema import MULTI_FACETS


@dataclass(frozen=True)
class Coded:
    """A column as codes into ``values`` (sorted, so code order is value order)."""

    codes: np.ndarray  # int32, one per document of the segment
    values: tuple[str, ...]

    def mask_of(self, chosen: tuple[str, ...] | list[str] | set[str]) -> np.ndarray:
        """Documents whose value is one of ``chosen``."""
        chosen = set(chosen)
        wanted = [i for i, v in enumerate(self.values) if v in chosen]
        return np.isin(self.codes, np.array(wanted, dtype=np.int32))

    def counts(self, ids: np.ndarray) -> dict[str, int]:
        """Non-empty values over documents ``ids`` and how many carry each."""
        found = np.bincount(self.codes[ids], minlength=len(self.values))
        return {self.values[c]: int(n) for c, n in enumerate(found) if n and self.values[c]}

    def range_mask(self, low: str, high: str) -> np.ndarray:
        """Documents whose value lies in [low, high] (an empty bound is open)."""
        start = bisect.bisect_left(self.values, low) if low else 0
        stop = bisect.bisect_right(self.values, high) if high else len(self.values)
        return (self.codes >= start) & (self.codes < stop)


@dataclass(frozen=True)
class Multi:
    """A field with several values per document, from its postings: one row per value."""

    present: np.ndarray  # bool, values x documents of the segment
    values: tuple[str, ...]

    def mask_of(self, chosen: tuple[str, ...] | list[str] | set[str]) -> np.ndarray:
        """Documents carrying any of ``chosen``."""
        rows = [i for i, v in enumerate(self.values) if v in set(chosen)]
        return self.present[rows].any(axis=0) if rows else np.zeros(self.present.shape[1], bool)

    def counts(self, ids: np.ndarray) -> dict[str, int]:
        found = self.present[:, ids].sum(axis=1) if len(self.values) else []
        return {self.values[i]: int(n) for i, n in enumerate(found) if n}


class SegmentColumns:
    """The coded columns of one segment (built lazily, one field at a time)."""

    def __init__(self, reader: IndexReader) -> None:
        self.size = reader.doc_count_all()
        self._bound = threading.local()  # each thread reads through its own reader
        self._bound.reader = reader
        self._coded: dict[str, Coded] = {}
        self._multi: dict[str, Multi] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def lengths(self, field: str) -> np.ndarray:
        """Each document's length of ``field`` as the scorer sees it (default 1)."""
        with self._lock:
            found = self._lengths.get(field)
            if found is None:
                reader = self._reader
                found = self._lengths[field] = np.array(
                    [reader.doc_field_length(n, field, 1) for n in range(self.size)],
                    dtype=np.float64)
            return found

    def coded(self, field: str) -> Coded:
        with self._lock:
            found = self._coded.get(field)
            if found is None:
                found = self._coded[field] = _encode(self._read(field))
            return found

    def facet(self, field: str) -> "Coded | Multi":
        """A facet's values: its column, or for a multi-valued facet its postings."""
        if field not in MULTI_FACETS:
            return self.coded(field)
        with self._lock:
            found = self._multi.get(field)
            if found is None:
                found = self._multi[field] = self._read_multi(field)
            return found

    def _read_multi(self, field: str) -> Multi:
        reader = self._reader
        values = sorted(t.decode() if isinstance(t, bytes) else t for t in reader.lexicon(field)) \
            if field in reader.schema else []
        present = np.zeros((len(values), self.size), dtype=bool)
        for row, value in enumerate(values):
            present[row, list(reader.postings(field, value).all_ids())] = True
        return Multi(present, tuple(values))

    def _read(self, field: str) -> list[str]:
        column = self._reader.column_reader(field)
        return [value.decode() if isinstance(value, bytes) else (value or "")
                for value in (column[n] for n in range(self.size))]

    @property
    def _reader(self) -> IndexReader:
        return self._bound.reader

    def rebind(self, reader: IndexReader) -> None:
        """Read further columns in this thread through ``reader`` (the same segment in this
        thread's searcher: a reader's files are never read by two threads at once)."""
        self._bound.reader = reader


def _encode(values: list[str]) -> Coded:
    distinct = sorted(set(values))
    position = {v: i for i, v in enumerate(distinct)}
    codes = np.fromiter((position[v] for v in values), dtype=np.int32, count=len(values))
    return Coded(codes, tuple(distinct))


class ColumnCache:
    """Columns and live masks of every segment an engine's searchers have seen."""

    def __init__(self) -> None:
        self._segments: dict[str, SegmentColumns] = {}
        self._live: dict[tuple[str, int], np.ndarray] = {}
        self._lock = threading.Lock()

    def columns(self, reader: IndexReader) -> SegmentColumns:
        key = reader.segment().segment_id()
        with self._lock:
            found = self._segments.get(key)
            if found is None:
                found = self._segments[key] = SegmentColumns(reader)
            else:
                found.rebind(reader)
            return found

    def live(self, reader: IndexReader) -> np.ndarray:
        """Which documents of the segment are not deleted."""
        segment = reader.segment()
        key = (segment.segment_id(), segment.deleted_count())
        with self._lock:
            found = self._live.get(key)
        if found is None:
            found = np.ones(reader.doc_count_all(), dtype=bool)
            deleted = list(segment.deleted_docs()) if segment.has_deletions() else []
            found[np.array(deleted, dtype=np.int64)] = False
            with self._lock:
                self._live[key] = found
        return found

    def forget_except(self, segment_ids: set[str]) -> None:
        """Drop segments no longer in the index (merged away; a thread still searching an
        older generation just builds them again)."""
        with self._lock:
            for key in set(self._segments) - segment_ids:
                del self._segments[key]
            for key in [k for k in self._live if k[0] not in segment_ids]:
                del self._live[key]
