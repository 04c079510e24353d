"""The plan's ranking in a real Whoosh index: documents matching all parts first."""

from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from indexer.analysis import tokenize
from indexer.schema import build_schema
from search_service.engines.whoosh_query import plan_query
from search_service.query.plan import Clause, Match, QueryPlan


def clause(word: str) -> Clause:
    return Clause(word, (Match("content", tuple(tokenize(word))),))


def test_all_parts_rank_above_many_repetitions_of_one_part_even_under_an_and() -> None:
    ix = RamStorage().create_index(build_schema())
    with ix.writer() as writer:
        writer.add_document(doc_id="one", status="ok", content="明远" * 40 + "，明远明远明远")
        writer.add_document(doc_id="both", status="ok", content="合同的一方是明远，" + "其他文字" * 30)
        writer.add_document(doc_id="none", status="ok", content="无关")
    plan = QueryPlan(text="明远合同", clauses=(clause("明远"), clause("合同")), require_all=False)
    with ix.searcher() as searcher:
        for query in (plan_query(plan), wq.And([plan_query(plan), wq.Term("status", "ok")])):
            assert [h["doc_id"] for h in searcher.search(query)] == ["both", "one"]
