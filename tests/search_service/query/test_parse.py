import pytest

from search_service.errors import QueryError
from search_service.query.parse import plan_query
from search_service.query.plan import EXACT, Match


def test_empty_query_is_every_document() -> None:
    assert plan_query("  ").is_empty


def test_each_word_is_a_clause_over_text_and_identifier_fields() -> None:
    plan = plan_query("明远，纺织 3301000001")
    assert [c.text for c in plan.clauses] == ["明远", "纺织", "3301000001"]
    assert Match("content", ("明远",)) in plan.clauses[0].alternatives
    assert Match("account_no", ("3301000001",), EXACT) in plan.clauses[2].alternatives
    assert plan.require_all


def test_quoted_phrase_is_one_clause_of_bigrams() -> None:
    plan = plan_query("“变压器渗油”")
    assert len(plan.clauses) == 1
    assert Match("content", ("变压", "压器", "器渗", "渗油")) in plan.clauses[0].alternatives
    assert plan.highlight_phrases({"content"}) == [("变压", "压器", "器渗", "渗油")]


def test_letters_match_names_in_pinyin() -> None:
    alternatives = plan_query("mingyuan").clauses[0].alternatives
    assert Match("name_pinyin", ("ming", "yuan")) in alternatives


def test_punctuation_only_is_refused() -> None:
    with pytest.raises(QueryError):
        plan_query("，。！")
