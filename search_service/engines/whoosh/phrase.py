"""Phrase matching over bigrams without Whoosh's span machinery, with identical results.

Whoosh matches a phrase by intersecting its terms' postings and building span objects for
every candidate document, scoring each with per-document calls: a nine-character name is
eight bigrams, and a broad phrase costs hundreds of milliseconds. :class:`CheckedPhrase` is a
drop-in ``Phrase`` that

1. takes the rarest term's documents that scope and filters allow as the candidates;
2. walks the further terms, rarest first, reading only the posting blocks that hold
   surviving candidates, decoding their positions a block at a time into arrays of
   (document, start) keys and intersecting them with numpy;
3. scores the documents holding the phrase with numpy: each term's BM25F as in
   :mod:`whoosh_terms`, added up in the binary tree ``SpanNear2`` builds, so every score is
   the float Whoosh computes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from whoosh import matching
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Searcher

from search_service.engines.whoosh.positions import decode_deltas
from search_service.engines.whoosh.terms import Scored, bm25, postings_arrays


def tree_sum(values: Sequence[Any]) -> Any:
    """``values`` added up as ``make_binary_tree(IntersectionMatcher, …)`` scores them
    (floats or numpy arrays, elementwise)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return tree_sum(values[:half]) + tree_sum(values[half:])


class CheckedPhrase(wq.Phrase):
    """A ``Phrase`` (slop 1) matched by candidates and position sets; ``allowed`` (a mask
    over the segment's documents) and ``lengths`` (a field's length per document) are set
    per segment by the caller."""

    allowed: np.ndarray | None = None
    lengths: Callable[[str], np.ndarray] | None = None

    def matcher(self, searcher: Searcher, context=None) -> matching.Matcher:  # noqa: ANN001
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        try:
            words = [field.to_bytes(w) for w in self.words]
        except ValueError:
            return matching.NullMatcher()
        if any((self.fieldname, w) not in reader for w in words):
            return matching.NullMatcher()
        weighting = context.weighting if context is not None else searcher.weighting
        scorers = [weighting.scorer(searcher, self.fieldname, w) for w in words]
        if self.lengths is None or self.slop != 1 or any(
                type(s) not in (BM25FScorer, WeightScorer) for s in scorers):
            return super().matcher(searcher, context)
        order = sorted(range(len(words)),
                       key=lambda i: reader.doc_frequency(self.fieldname, words[i]))
        candidates = self._candidates(reader, words[order[0]])
        found, weights = self._with_phrase(reader, words, order, candidates)
        if not found:
            return matching.NullMatcher()
        ids = np.array(found, dtype=np.int64)
        lengths = self.lengths(self.fieldname)[ids]
        per_term = [np.array(w, dtype=np.float64) if type(s) is WeightScorer
                    else bm25(s, np.array(w, dtype=np.float64), lengths)
                    for s, w in zip(scorers, weights)]
        scored = Scored(found, weights=np.asarray(tree_sum(per_term)).tolist())
        return matching.WrappingMatcher(scored, self.boost) if self.boost != 1.0 else scored

    def _candidates(self, reader, rarest: bytes) -> np.ndarray:  # noqa: ANN001
        """Allowed (or else live) documents holding the rarest word."""
        ids = postings_arrays(reader, self.fieldname, rarest)[0]
        if self.allowed is not None:
            return ids[self.allowed[ids]]
        return np.array([d for d in ids.tolist() if not reader.is_deleted(d)], dtype=np.int64)

    def _with_phrase(self, reader, words: list[bytes], order: list[int],  # noqa: ANN001
                     candidates: np.ndarray) -> tuple[list[int], list[list[float]]]:
        """The candidates holding the words at consecutive positions, and each word's
        weight in each of them (in word order). Each word's possible phrase starts are keys
        ``document * 2**32 + start`` intersected as arrays, word by word, rarest first."""
        alive, starts = candidates, None
        found: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for i in order:
            ids, weights, keys = positions_among(reader, self.fieldname, words[i], alive,
                                                 offset=len(words) - i)
            starts = keys if starts is None else sorted_intersection(starts, keys)
            alive = distinct_sorted(starts >> 32)
            found[i] = ids, weights
            if not len(alive):
                return [], []
        return alive.tolist(), [w[np.searchsorted(d, alive)].tolist()
                                for d, w in (found[i] for i in range(len(words)))]


def positions_among(reader, field: str, text: bytes, wanted: np.ndarray,  # noqa: ANN001
                    offset: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A term's postings in the sorted documents ``wanted``: their document numbers, weights
    and the term's positions as keys ``document * 2**32 + position + offset``. Blocks holding
    none of ``wanted`` are skipped unread; the rest are decoded a block at a time."""
    leaf = reader.postings(field, text)
    if isinstance(leaf, FilterMatcher):
        leaf = leaf.child  # deleted documents are not in ``wanted``
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    at = 0
    while leaf.is_active() and at < len(wanted):
        if leaf.block_max_id() < wanted[at]:
            leaf._next_block()  # noqa: SLF001
            continue
        leaf._read_ids()  # noqa: SLF001
        leaf._read_weights()  # noqa: SLF001
        leaf._read_values()  # noqa: SLF001
        block = np.asarray(leaf._ids, dtype=np.int64)  # noqa: SLF001
        end = int(np.searchsorted(wanted, block[-1], side="right"))
        if end - at == len(block) and np.array_equal(wanted[at:end], block):  # all wanted
            ids.extend(leaf._ids)  # noqa: SLF001
            weights.extend(leaf._weights)  # noqa: SLF001
            values.extend(leaf._values)  # noqa: SLF001
        else:
            for j in _positions_in(block, wanted[at:end]).tolist():
                ids.append(leaf._ids[j])  # noqa: SLF001
                weights.append(leaf._weights[j])  # noqa: SLF001
                values.append(leaf._values[j])  # noqa: SLF001
        at = end
        leaf._next_block()  # noqa: SLF001
    counts, flat = decode_deltas(values)
    running = np.cumsum(flat)
    before = np.concatenate(([0], running[np.cumsum(counts)[:-1] - 1])) if len(counts) else running
    positions = running - np.repeat(before, counts)
    docs = np.array(ids, dtype=np.int64)
    keys = (np.repeat(docs, counts) << 32) + positions + offset  # ascending: no duplicates
    return docs, np.array(weights, dtype=np.float64), keys


def _lookup(values: np.ndarray, probes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each probe is in ascending non-empty ``values``, and whether it is there."""
    at = np.minimum(np.searchsorted(values, probes), len(values) - 1)
    return at, values[at] == probes


def _positions_in(block: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where the values of ``wanted`` present in ``block`` are in it."""
    at, present = _lookup(block, wanted)
    return at[present]


def sorted_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values of ascending ``a`` also in ascending ``b``."""
    if not len(a) or not len(b):
        return a[:0]
    return a[_lookup(b, a)[1]]


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of ascending ``values``."""
    if not len(values):
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]
