from dataclasses import replace
from datetime import date

import pytest

from search_service.query.lexicon import CustomerEntry, Lexicon
from search_service.query.plan import EXACT, PREFIX, Correction, Match
from search_service.query.understand import (AS_WORDS, AS_WRITTEN, UNDERSTOOD, QueryContext,
                                             readings, typed_account, understand)

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


# --- issue 19: queries as staff really type them

TODAY = date(2026, 3, 31)
STAFF = QueryContext(Lexicon([CustomerEntry("3301234567", "杭州明远纺织有限公司", "城东供电所"),
                              CustomerEntry("3301234569", "临江萬順電業有限公司", "城西供电所")],
                             ["城东供电所", "城西供电所", "国网临江县供电公司"],
                             {"城西供电所": ("西所",)}), today=TODAY)


@pytest.mark.parametrize("typed", ["3301 2345 67", "3301-234-567", "3301.2345.67",
                                   "３３０１２３４５６７", "3301 23"])
def test_an_account_typed_with_separators_is_only_that_account(typed) -> None:
    digits = typed_account(typed)
    (reading, plan), = readings(typed, STAFF)
    assert plan.account == digits and digits.startswith("330123")
    assert plan.clauses[0].alternatives == (Match("account_no", (digits,), EXACT, 4.0),
                                            Match("account_no", (digits,), PREFIX))
    assert not plan.unknown


def test_an_account_nobody_has_is_unknown_and_plain_digits_stay_as_written() -> None:
    assert understand_account("3301-999-999").unknown == ("3301999999",)
    assert typed_account("3301234567") == "" and typed_account("明远 3301") == ""
    assert typed_account("2023-05-12") == typed_account("2023.5") == ""  # dates stay text
    assert typed_account("138 1234 5678") == ""  # a phone number is no 户号


def understand_account(typed: str):
    return next(plan for _, plan in readings(typed, STAFF))


@pytest.mark.parametrize(("q", "unit"), [("城东所隐患", "城东供电所"), ("临江县公司合同", "国网临江县供电公司"),
                                         ("西所合同", "城西供电所")])
def test_unit_short_names_and_configured_aliases_filter_by_unit(q, unit) -> None:
    plan = understand(q, STAFF)
    assert plan.filters["org"] == (unit,) and plan.reading()["units"] == [unit]


@pytest.mark.parametrize(("q", "date_from", "date_to"), [
    ("去年合同", "2025-01-01", "2025-12-31"), ("今年隐患", "2026-01-01", "2026-12-31"),
    ("前年合同", "2024-01-01", "2024-12-31"), ("上个月窃电", "2026-02-01", "2026-02-28"),
    ("近三年隐患", "2023-03-31", "2026-03-31"), ("2023年以来合同", "2023-01-01", ""),
    ("2022到2024年合同", "2022-01-01", "2024-12-31")])
def test_time_words_become_a_date_range_chip(q, date_from, date_to) -> None:
    found = list(readings(q, STAFF))
    assert found[0][0] == UNDERSTOOD  # never searched as words
    plan = found[0][1]
    assert (plan.date_from, plan.date_to) == (date_from, date_to)
    assert {u.field for u in plan.understood} == {"doc_type", "date"}
    without = replace(STAFF, without=frozenset({plan.understood[-1].text}))
    assert understand(q, without).date_from == ""


def test_the_last_inspection_sheet_is_the_type_newest_first() -> None:
    plan = understand("明远上次检查单", STAFF)
    assert plan.filters == {"doc_type": ("JC01",)} and plan.sort == "date_desc"
    assert plan.require_all and plan.names == ("明远",)
    assert understand("上次明远", STAFF).sort == ""  # without a type: no meaning


def test_a_typo_or_homophone_is_corrected_and_reported() -> None:
    for typed in ("明园合同", "铭远合同"):
        plan = understand(typed, STAFF)
        assert plan.corrections == (Correction(typed[:2], ("明远",)),)
        assert plan.names == ("明远",) and plan.uncorrected() == ()


def test_a_company_nobody_is_stays_unknown() -> None:
    plan = understand("杭州华丰机械有限公司", STAFF)
    assert "杭州华丰机械有限公司" in plan.uncorrected()
    assert plan.names == ()  # 杭州 and 机械 alone name no one
    known = understand("明远纺织公司", STAFF)
    assert known.unknown == () and known.names == ("明远",)


def test_pinyin_beside_chinese_is_a_name_in_pinyin() -> None:
    for q, field in (("mingyuan合同", "name_pinyin"), ("hzmy检查单", "name_initials")):
        plan = understand(q, STAFF)
        assert plan.names == (q[:-2] if q.endswith("合同") else q[:-3],)
        assert any(m.field == field for m in plan.clauses[0].alternatives)


def test_traditional_and_simplified_fold_both_ways() -> None:
    assert understand("万顺电业", STAFF).names == ("万顺电业",)
    assert understand("萬順合同", STAFF).names == ("万顺",)


def test_a_latest_word_without_a_type_is_searched_as_a_word() -> None:
    found = list(readings("最新", STAFF))
    assert [r for r, _ in found] == [AS_WRITTEN]
    assert [c.text for c in understand("上次明远", STAFF).clauses] == ["上次", "明远"]


def test_a_particle_that_completes_a_typo_of_a_name_is_kept() -> None:
    context = QueryContext(Lexicon([CustomerEntry("3301000010", "金华佳和超市有限公司", "城东供电所")],
                                   ["城东供电所"]))
    assert understand("家和用电申请书", context).corrections == (Correction("家和", ("佳和",)),)
    assert [c.text for c in understand("明远的合同", CONTEXT).clauses] == ["明远"]
