"""The plan's ranking in a real Whoosh index: documents matching all parts first, the same
whether the fast engine evaluates it as arrays or Whoosh's collector steps through it."""

from pathlib import Path

from indexer.analysis import tokenize
from search_service.engines.whoosh import collector as whoosh_collector
from search_service.engines.base import SearchRequest
from search_service.engines.whoosh import WhooshEngine
from search_service.query.plan import Clause, Match, QueryPlan


def clause(word: str) -> Clause:
    return Clause(word, (Match("content", tuple(tokenize(word))),))


def test_all_parts_rank_above_many_repetitions_of_one_part(tmp_path: Path) -> None:
    engine = WhooshEngine(tmp_path / "whoosh")
    engine.replace([
        {"doc_id": "one", "org": "城东供电所", "content": "明远" * 40 + "，明远明远明远"},
        {"doc_id": "both", "org": "城东供电所", "content": "合同的一方是明远，" + "其他文字" * 30},
        {"doc_id": "none", "org": "城东供电所", "content": "无关"},
    ])
    engine.commit()
    plan = QueryPlan(text="明远合同", clauses=(clause("明远"), clause("合同")), require_all=False)
    for request in (SearchRequest(plan=plan),
                    SearchRequest(plan=plan, filters={"org": ("城东供电所",)})):
        fast = engine.search(request)
        with engine.searcher() as searcher:
            reference = whoosh_collector.search(searcher, request)
        assert [h.doc_id for h in fast.hits] == ["both", "one"]
        assert [(h.doc_id, h.score) for h in fast.hits] == [
            (h.doc_id, h.score) for h in reference.hits]
    engine.close()
