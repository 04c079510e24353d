"""Evaluating a Whoosh matcher tree over whole arrays instead of document by document.

Whoosh builds the query's matcher tree (its shape decides the order scores are added in);
when every leaf is already an array (:class:`~whoosh_terms.Scored`, from the array terms and
checked phrases) the tree is evaluated with numpy, node by node, doing exactly the additions
and multiplications each node's ``score()`` would do for each document, so every score is
the same float. A tree with any other node returns None and is stepped through as usual.
"""

from __future__ import annotations

import numpy as np
from whoosh import matching

from search_service.engines.whoosh.query import TIER, TieredMatcher
from search_service.engines.whoosh.terms import Scored

# (present, scores) over the segment's documents
Dense = tuple[np.ndarray, np.ndarray]


def evaluate(matcher: matching.Matcher, size: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Matching document numbers and their scores, or None when the tree has a node this
    does not know."""
    dense = _dense(matcher, size)
    if dense is None:
        return None
    present, scores = dense
    ids = np.flatnonzero(present)
    return ids, scores[ids]


def _dense(m: matching.Matcher, size: int) -> Dense | None:
    kind = type(m)
    if kind is Scored:
        present, scores = np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float64)
        ids = np.array(m._ids, dtype=np.int64)  # noqa: SLF001
        present[ids] = True
        scores[ids] = np.array(m._weights, dtype=np.float64)  # noqa: SLF001
        return present, scores
    if isinstance(m, matching.NullMatcherClass):
        return np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float64)
    if kind is TieredMatcher:
        child = _dense(m.child, size)
        return None if child is None else (child[0], np.where(child[0], child[1] + TIER, 0.0))
    if kind is matching.WrappingMatcher:
        child = _dense(m.child, size)
        return None if child is None else (child[0], child[1] * m.boost)
    if kind not in (matching.UnionMatcher, matching.IntersectionMatcher,
                    matching.AndMaybeMatcher):
        return None
    a, b = _dense(m.a, size), _dense(m.b, size)
    if a is None or b is None:
        return None
    (pa, sa), (pb, sb) = a, b
    both = pa & pb
    if kind is matching.IntersectionMatcher:
        return both, np.where(both, sa + sb, 0.0)
    if kind is matching.AndMaybeMatcher:
        return pa, np.where(both, sa + sb, sa)
    return pa | pb, np.where(both, sa + sb, np.where(pa, sa, sb))
