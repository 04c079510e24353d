"""Term matching from posting arrays, scored with numpy, with identical results.

Whoosh scores a term document by document (a BM25F call and a field-length lookup each).
:class:`ArrayTerm` is a drop-in ``Term`` that reads the term's postings block by block into
arrays, keeps the documents scope and filters allow, and computes BM25F for all of them in
one numpy expression, written exactly as Whoosh's ``bm25()`` (same operations, same order,
float64), so every score is the float Whoosh computes. The rest of the query tree (unions
across fields, intersections across words) stays Whoosh's own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from whoosh import matching
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Searcher


class Scored(matching.ListMatcher):
    """Documents with their precomputed scores."""

    def score(self) -> float:
        return self._weights[self._i]


def postings_arrays(reader, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Document numbers and weights of a term (deleted documents included)."""
    leaf = reader.postings(field, text)
    if isinstance(leaf, FilterMatcher):
        leaf = leaf.child
    ids: list[int] = []
    weights: list[float] = []
    while leaf.is_active():
        leaf._read_ids()  # noqa: SLF001 - whole blocks, not one posting at a time
        leaf._read_weights()  # noqa: SLF001
        ids.extend(leaf._ids)  # noqa: SLF001
        weights.extend(leaf._weights)  # noqa: SLF001
        leaf._next_block()  # noqa: SLF001
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


class ArrayTerm(wq.Term):
    """A ``Term`` matched from arrays; ``allowed`` (a mask over the segment's documents) and
    ``lengths`` (a field's length per document) are set per segment by the caller."""

    allowed: np.ndarray | None = None
    lengths: Callable[[str], np.ndarray] | None = None

    def matcher(self, searcher: Searcher, context=None) -> matching.Matcher:  # noqa: ANN001
        if self.fieldname not in searcher.schema or self.lengths is None:
            return super().matcher(searcher, context)
        try:
            text = searcher.schema[self.fieldname].to_bytes(self.text)
        except ValueError:
            return matching.NullMatcher()
        reader = searcher.reader()
        if (self.fieldname, text) not in reader:
            return matching.NullMatcher()
        weighting = context.weighting if context is not None else searcher.weighting
        scorer = weighting.scorer(searcher, self.fieldname, text)
        if type(scorer) not in (BM25FScorer, WeightScorer) or self.minquality:
            return super().matcher(searcher, context)
        ids, weights = postings_arrays(reader, self.fieldname, text)
        if self.allowed is not None:
            keep = self.allowed[ids]
            ids, weights = ids[keep], weights[keep]
        if not len(ids):
            return matching.NullMatcher()
        if type(scorer) is WeightScorer:
            scores = weights
        else:
            scores = bm25(scorer, weights, self.lengths(self.fieldname)[ids])
        found = Scored(ids.tolist(), weights=scores.tolist())
        return matching.WrappingMatcher(found, boost=self.boost) if self.boost != 1.0 else found


def bm25(scorer: BM25FScorer, tf: np.ndarray, fl: np.ndarray) -> np.ndarray:
    """``whoosh.scoring.bm25`` over arrays: the same expression, evaluated the same way."""
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1  # noqa: N806
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
