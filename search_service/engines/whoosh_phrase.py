"""Phrase matching over bigrams without Whoosh's span machinery, with identical results.

Whoosh matches a phrase by intersecting its terms' postings and building span objects for
every candidate document, scoring each with per-document calls: a nine-character name is
eight bigrams, and a broad phrase costs hundreds of milliseconds. :class:`CheckedPhrase` is a
drop-in ``Phrase`` that

1. takes the rarest term's documents that scope and filters allow as the candidates;
2. walks the further terms, rarest first, skipping through each term's postings to the
   surviving candidates only, intersecting the sets of possible start positions and
   dropping a candidate as soon as none is left;
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
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Searcher

from search_service.engines.whoosh_terms import Scored, bm25, postings_arrays


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

    def _candidates(self, reader, rarest: bytes) -> list[int]:  # noqa: ANN001
        """Allowed documents holding the rarest word (document numbers only)."""
        ids = postings_arrays(reader, self.fieldname, rarest)[0]
        return (ids[self.allowed[ids]] if self.allowed is not None else ids).tolist()

    def _with_phrase(self, reader, words: list[bytes], order: list[int],  # noqa: ANN001
                     candidates: list[int]) -> tuple[list[int], list[list[float]]]:
        """The candidates holding the words at consecutive positions, and each word's
        weight in each of them (in word order)."""
        starts: dict[int, set[int]] = {}
        weights: dict[int, list[float]] = {}
        alive = candidates
        for step, i in enumerate(order):
            postings = reader.postings(self.fieldname, words[i])
            kept = []
            for docnum in alive:
                postings.skip_to(docnum)
                if not postings.is_active():
                    break
                if postings.id() != docnum:
                    continue
                here = {p - i for p in postings.value_as("positions")}
                if step:
                    here &= starts[docnum]
                if here:
                    starts[docnum] = here
                    weights.setdefault(docnum, [0.0] * len(words))[i] = postings.weight()
                    kept.append(docnum)
            alive = kept
            if not alive:
                return [], []
        return alive, [[weights[d][i] for d in alive] for i in range(len(words))]
