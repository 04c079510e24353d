"""One search over a Whoosh index: Whoosh matches and scores the query, numpy does the rest.

Whoosh's own collector counts facets, applies filters and sorts in Python per document, so a
broad query over 20,000 documents spends most of its time there. Here the query's matcher
runs once per segment with leaves that keep to the documents scope and filters allow (masks
over column arrays, :mod:`whoosh_columns`): terms read and scored as arrays
(:mod:`whoosh_terms`), phrases checked on candidates only (:mod:`whoosh_phrase`). Facet
counts, multi-select facets,
sorting and paging are array operations over the matched document numbers. Results are
those of Whoosh's collector: the same documents, scores, and order (score descending, then
document number; by date, ties in document-number order).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from search_service.access.scope import Scope
from search_service.engines.base import EngineHit, EngineResult, SearchRequest
from search_service.engines.whoosh.columns import ColumnCache, SegmentColumns
from search_service.engines.whoosh.phrase import CheckedPhrase
from search_service.engines.whoosh.query import plan_query
from search_service.engines.whoosh.terms import ArrayTerm
from search_service.engines.whoosh.tree import evaluate
from search_service.query.plan import QueryPlan


@dataclass
class _Segment:
    """The matches of one segment: document numbers, scores, and per-filter masks."""

    offset: int
    columns: SegmentColumns
    ids: np.ndarray
    scores: np.ndarray | None
    masks: dict[str, np.ndarray]  # selected facet filter -> mask over ``ids``

    def hits(self, skip: str | None = None) -> np.ndarray:
        """Positions in ``ids`` passing every facet filter except ``skip``'s."""
        keep = np.ones(len(self.ids), dtype=bool)
        for name, mask in self.masks.items():
            if name != skip:
                keep &= mask
        return keep


def search(searcher: Searcher, cache: ColumnCache, request: SearchRequest) -> EngineResult:
    """Run ``request`` against ``searcher``'s index (documents in it are all searchable)."""
    by_score = not request.plan.is_empty and request.sort == "relevance"
    selected = {name: tuple(v) for name, v in request.filters.items() if v}
    separate = set(selected) & set(request.facets)  # counted without their own filter
    segments = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        columns = cache.columns(reader)
        allowed = cache.live(reader) & _scope_mask(columns, request.scope)
        fixed = [*request.plan.filters.items(),
                 *((k, v) for k, v in selected.items() if k not in separate)]
        for name, values in fixed:
            allowed &= columns.facet(name).mask_of(values)
        if request.date_from or request.date_to:
            allowed &= columns.coded("doc_date").range_mask(request.date_from, request.date_to)
        if request.account_no:
            allowed &= columns.coded("account_no").mask_of((request.account_no,))
        ids, scores = _match(sub, columns, request.plan, allowed, by_score)
        masks = {name: columns.facet(name).mask_of(selected[name])[ids] for name in separate}
        segments.append(_Segment(offset, columns, ids, scores, masks))
    facets = {name: _count(segments, name, name if name in separate else None)
              for name in request.facets}
    docnums, scores, dates = _ranked_input(segments, request.sort, by_score)
    order = _order(docnums, scores, dates, request.sort, by_score)
    page = order[request.offset:request.offset + request.limit]
    hits = [EngineHit(doc_id, float(scores[i]) if scores is not None else None)
            for i, doc_id in zip(page, _doc_ids(segments, docnums[page]))]
    return EngineResult(total=len(docnums), hits=hits, facets=facets)


def _scope_mask(columns: SegmentColumns, scope: Scope) -> np.ndarray:
    """Documents of the scope's units, or of its granted customers or documents."""
    if scope.unlimited:
        return np.ones(columns.size, dtype=bool)
    inside = columns.coded("org").mask_of(scope.units or ())
    if scope.accounts:
        inside |= columns.coded("account_no").mask_of(scope.accounts)
    if scope.doc_ids:
        inside |= columns.coded("doc_id").mask_of(scope.doc_ids)
    return inside


def _match(sub: Searcher, columns: SegmentColumns, plan: QueryPlan, allowed: np.ndarray,
           by_score: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Document numbers (in ``sub``) matching ``plan`` among ``allowed``, with scores."""
    candidates = np.flatnonzero(allowed)
    if plan.is_empty or not len(candidates):
        return candidates, (np.zeros(len(candidates)) if by_score else None)
    limits = {"allowed": allowed, "lengths": staticmethod(columns.lengths)}
    phrase = type("AllowedPhrase", (CheckedPhrase,), limits)
    term = type("AllowedTerm", (ArrayTerm,), limits)
    matcher = plan_query(plan, phrase, term).matcher(sub)  # leaves keep to ``allowed``
    whole = evaluate(matcher, len(allowed))
    if whole is not None:
        return whole[0], (whole[1] if by_score else None)
    ids: list[int] = []
    scores: list[float] = []
    if by_score:
        while matcher.is_active():
            ids.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
    elif matcher.is_active():
        ids = list(matcher.all_ids())
    found = np.array(ids, dtype=np.int64)
    found_scores = np.array(scores, dtype=np.float64) if by_score else None
    if len(found):  # leaves Whoosh matches itself (a prefix) are not limited to ``allowed``
        keep = allowed[found]
        found = found[keep]
        found_scores = found_scores[keep] if found_scores is not None else None
    return found, found_scores


def _count(segments: list[_Segment], name: str, skip: str | None) -> dict[str, int]:
    """Non-empty values of facet ``name`` over the hits (ignoring ``skip``'s filter)."""
    counts: Counter[str] = Counter()
    for segment in segments:
        counts.update(segment.columns.facet(name).counts(segment.ids[segment.hits(skip)]))
    return dict(counts)


def _ranked_input(segments: list[_Segment], sort: str, by_score: bool
                  ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Global document numbers of the hits, their scores, and their dates' ranks."""
    docnums, scores, dates = [], [], []
    for segment in segments:
        keep = segment.hits()
        docnums.append(segment.ids[keep] + segment.offset)
        if by_score and segment.scores is not None:
            scores.append(segment.scores[keep])
        if not by_score:
            coded = segment.columns.coded("doc_date")
            dates.append(np.array(coded.values, dtype=object)[coded.codes[segment.ids[keep]]]
                         if len(coded.values) else np.array([], dtype=object))
    all_docs = np.concatenate(docnums) if docnums else np.array([], dtype=np.int64)
    all_scores = np.concatenate(scores) if by_score and scores else (
        np.array([], dtype=np.float64) if by_score else None)
    ranks = None
    if not by_score:
        joined = np.concatenate(dates) if dates else np.array([], dtype=object)
        ranks = (np.unique(joined.astype(str), return_inverse=True)[1].reshape(-1)
                 if len(joined) else np.array([], dtype=np.int64))
    return all_docs, all_scores, ranks


def _order(docnums: np.ndarray, scores: np.ndarray | None, dates: np.ndarray | None,
           sort: str, by_score: bool) -> np.ndarray:
    """Positions of the hits in result order (as Whoosh's collectors order them)."""
    if by_score and scores is not None:
        return np.lexsort((docnums, -scores))
    order = np.lexsort((docnums, dates))
    return order if sort == "date_asc" else order[::-1]


def _doc_ids(segments: list[_Segment], docnums: np.ndarray) -> list[str]:
    """The ``doc_id`` of global document numbers ``docnums``."""
    found = []
    for docnum in docnums.tolist():
        segment = next(s for s in reversed(segments) if s.offset <= docnum)
        coded = segment.columns.coded("doc_id")
        found.append(coded.values[coded.codes[docnum - segment.offset]])
    return found
