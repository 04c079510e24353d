"""Phrase matching over bigrams without Whoosh's span machinery, with identical results.

Whoosh matches a phrase by intersecting its terms' postings and building span objects for
every candidate document: a nine-character name is eight bigrams, and a broad phrase costs
hundreds of milliseconds. :class:`CheckedPhrase` is a drop-in ``Phrase`` that walks the
terms rarest first: the rarest term's documents (those scope and filters allow) are the
candidates, and every further term only skips to the surviving candidates (whole blocks of
postings are never decoded), intersecting the sets of possible start positions and dropping
a candidate as soon as none is left. Each surviving document's score is the sum of its
terms' scores added up in the binary tree ``SpanNear2`` builds, so it is the same float.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from whoosh import matching
from whoosh import query as wq
from whoosh.searching import Searcher

from search_service.engines.whoosh_terms import Scored


def tree_sum(values: Sequence[float]) -> float:
    """``values`` added up as ``make_binary_tree(IntersectionMatcher, …)`` scores them."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return tree_sum(values[:half]) + tree_sum(values[half:])


class CheckedPhrase(wq.Phrase):
    """A ``Phrase`` (slop 1) matched by position sets; ``allowed`` (a boolean mask over the
    segment's documents, or None) limits the candidates."""

    allowed: np.ndarray | None = None

    def matcher(self, searcher: Searcher, context=None) -> matching.Matcher:  # noqa: ANN001
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        try:
            words = [field.to_bytes(w) for w in self.words]
        except ValueError:
            return matching.NullMatcher()
        if any((self.fieldname, w) not in reader for w in words):
            return matching.NullMatcher()
        order = sorted(range(len(words)),
                       key=lambda i: reader.doc_frequency(self.fieldname, words[i]))
        starts: dict[int, set[int]] = {}
        scores: dict[int, list[float]] = {}
        for step, i in enumerate(order):
            postings = wq.Term(self.fieldname, words[i]).matcher(searcher, context)
            if step == 0:
                starts, scores = self._first(postings, i, len(words))
            else:
                starts = self._narrow(postings, i, starts, scores)
            if not starts:
                return matching.NullMatcher()
        found = sorted(starts)
        scored = Scored(found, weights=[tree_sum(scores[d]) for d in found])
        return matching.WrappingMatcher(scored, self.boost) if self.boost != 1.0 else scored

    def _first(self, postings: matching.Matcher, i: int, count: int
               ) -> tuple[dict[int, set[int]], dict[int, list[float]]]:
        """Start positions and a score slot per allowed document of the rarest term."""
        allowed = self.allowed
        starts: dict[int, set[int]] = {}
        scores: dict[int, list[float]] = {}
        while postings.is_active():
            docnum = postings.id()
            if allowed is None or allowed[docnum]:
                starts[docnum] = {p - i for p in postings.value_as("positions")}
                slots = scores[docnum] = [0.0] * count
                slots[i] = postings.score()
            postings.next()
        return starts, scores

    @staticmethod
    def _narrow(postings: matching.Matcher, i: int, starts: dict[int, set[int]],
                scores: dict[int, list[float]]) -> dict[int, set[int]]:
        """The candidates where term ``i`` also sits at a consistent position."""
        kept: dict[int, set[int]] = {}
        for docnum in sorted(starts):
            postings.skip_to(docnum)
            if not postings.is_active():
                break
            if postings.id() != docnum:
                continue
            left = starts[docnum] & {p - i for p in postings.value_as("positions")}
            if left:
                kept[docnum] = left
                scores[docnum][i] = postings.score()
        return kept
