import pytest

from search_service.query.lexicon import CustomerEntry, Lexicon
from search_service.query.plan import EXACT, PREFIX, Match
from search_service.query.understand import (AS_WORDS, AS_WRITTEN, UNDERSTOOD, QueryContext,
                                             readings, understand)

LEXICON = Lexicon([CustomerEntry("3301234567", "杭州明远纺织有限公司", "城东供电所"),
                   CustomerEntry("3301234568", "李娟", "城西供电所")],
                  ["城东供电所", "城西供电所"])
CONTEXT = QueryContext(LEXICON)


def parts(q: str, context: QueryContext = CONTEXT) -> tuple[list[str], dict]:
    plan = understand(q, context)
    return [c.text for c in plan.clauses], plan.filters


@pytest.mark.parametrize(("q", "clauses", "filters"), [
    ("明远合同", ["明远"], {"doc_type": ("YK11", "YK12")}),
    ("明远的合同", ["明远"], {"doc_type": ("YK11", "YK12")}),
    ("明远纺织公司", ["明远", "纺织"], {}),
    ("城东供电所隐患整改通知书", [], {"org": ("城东供电所",), "doc_type": ("JC03",)}),
    ("2023年隐患整改", [], {"year": ("2023",), "doc_type": ("JC03",)}),
    ("李娟窃电", ["李娟"], {"doc_type": ("JC04",)}),
    ("未配备灭火器", ["未配备", "灭火器"], {}),
    ("明远纺织", ["明远纺织"], {}),  # inside a customer's name: never split
    ("计量装置", ["计量装置"], {}),  # a type word alone is searched as written
])
def test_unspaced_queries_split_into_parts_and_filters(q, clauses, filters) -> None:
    assert parts(q) == (clauses, filters)


def test_parts_rank_by_how_many_match_and_the_run_as_written_boosts() -> None:
    plan = understand("明远纺织公司", CONTEXT)
    assert not plan.require_all
    assert Match("content", ("明远", "远纺", "纺织", "织公", "公司"), boost=2.0) in plan.boosts


def test_understood_filters_are_reported_and_a_removed_chip_is_left_out() -> None:
    plan = understand("城东供电所隐患整改通知书", CONTEXT)
    assert [u.to_dict() for u in plan.understood] == [
        {"field": "org", "value": "城东供电所", "text": "城东供电所"},
        {"field": "doc_type", "value": "JC03", "text": "隐患整改通知书"}]
    without = QueryContext(LEXICON, without=frozenset({"城东供电所"}))
    assert parts("城东供电所隐患整改通知书", without) == ([], {"doc_type": ("JC03",)})


def test_identifier_prefixes_exact_above_prefix() -> None:
    alternatives = understand("330123", CONTEXT).clauses[0].alternatives
    assert Match("account_no", ("330123",), PREFIX) in alternatives
    assert Match("account_no", ("330123",), EXACT, 4.0) in alternatives
    archive = understand("g017-YX·2023", CONTEXT).clauses[0].alternatives
    assert Match("archive_no", ("G017-YX·2023",), PREFIX) in archive


def test_a_typo_also_matches_the_name_it_probably_means() -> None:
    alternatives = understand("明园纺织", CONTEXT).clauses[0].alternatives
    assert Match("customer_name", ("明远",), boost=0.5) in alternatives


def test_readings_as_written_first_then_understood_then_as_words() -> None:
    found = list(readings("城东供电所隐患整改通知书", CONTEXT))
    assert [r for r, _ in found] == [AS_WRITTEN, UNDERSTOOD, AS_WORDS]
    assert found[0][1].filters == {} and found[2][1].filters == {}
    assert [r for r, _ in readings("明远", CONTEXT)] == [AS_WRITTEN]
