"""A query plan and a request as SphinxQL text."""

import pytest

from search_service.access.scope import Scope
from search_service.engines.base import SearchRequest
from search_service.engines.manticore.projection import scope_key
from search_service.engines.manticore.sphinxql import (escape_keyword, literal, match_query, quote,
                                                       values_statements, where_clause)
from search_service.errors import QueryError
from search_service.query.parse import plan_query
from search_service.query.plan import EXACT, Clause, Match, QueryPlan

TEXT = "@(customer_name,title,content,address)"


def test_words_are_phrases_over_the_text_fields_or_whole_identifiers():
    assert match_query(plan_query("明远纺织 3301000001")) == (
        f'(({TEXT} "明远 远纺 纺织") | (@account_key z00660ez008fdcz007ebaz007ec7) | '
        f'(@archive_key z00660ez008fdcz007ebaz007ec7)) '
        f'(({TEXT} "3301000001") | (@account_key 3301000001) | (@archive_key 3301000001))')


def test_pinyin_any_clause_and_boosts():
    plan = QueryPlan(text="x", require_all=False, clauses=(
        Clause("a", (Match("name_pinyin", ("ming", "yuan")),)),
        Clause("b", (Match("title", ("通知",)), Match("content", ("通知",))))),
        boosts=(Match("title", ("明远",)),))
    assert match_query(plan) == ('(((@name_pinyin "ming yuan")) | ((@(title,content) "通知"))) '
                                 'MAYBE ((@title "明远"))')


def test_query_syntax_is_escaped_and_quoted():
    assert escape_keyword('a"b|c-(d)@e\\') == 'a\\"b\\|c\\-\\(d\\)\\@e\\\\'
    assert quote("城东'所\\") == "'城东\\'所\\\\'"
    plan = QueryPlan(text="x", clauses=(Clause("x", (Match("content", ('"|',)),)),))
    assert match_query(plan) == '((@content "\\"\\|"))'


def test_unknown_fields_are_refused():
    plan = QueryPlan(text="x", clauses=(Clause("x", (Match("path", ("a",), EXACT),)),))
    with pytest.raises(QueryError):
        match_query(plan)
    with pytest.raises(QueryError):
        where_clause(SearchRequest(filters={"path": ("a",)}), "", 0)


def test_filters_dates_account_and_scope():
    request = SearchRequest(filters={"org": ("城东供电所", "城西供电所"), "year": ("2023",)},
                            date_from="2023-01-01", date_to="2023-06-30", account_no="33",
                            scope=Scope(units=("城东供电所",), accounts=("3301",)))
    where = where_clause(request, "", 1, skip="year")
    orgs = f"{scope_key('org', '城东供电所')}, {scope_key('org', '城西供电所')}"
    assert where == (f"build = 1 AND status = 'ok' AND org_key IN ({orgs}) AND "
                     "date_num BETWEEN 20230101 AND 20230630 AND account_no = '33' AND "
                     f"scope_keys IN ({scope_key('unit', '城东供电所')}, "
                     f"{scope_key('account', '3301')})")
    assert "scope_keys" not in where_clause(SearchRequest(), "", 0)


def test_partial_dates_compare_as_strings_do():
    assert "date_num BETWEEN 20230000 AND 99999999" in where_clause(
        SearchRequest(date_from="2023"), "", 0)
    assert "date_num BETWEEN 1 AND 20229999" in where_clause(SearchRequest(date_to="2023"), "", 0)


def test_values_are_literals_and_statements_stay_under_the_packet_size():
    assert literal("户名'\\x") == "'户名\\'\\\\x'"
    assert literal((1, 22)) == "(1,22)" and literal(()) == "()" and literal(7) == "7"
    rows = [(n, "供电 " * 50, (n, n + 1)) for n in range(100)]
    statements = list(values_statements("REPLACE INTO rt (id, content, keys) VALUES", rows,
                                        max_bytes=4000))
    assert len(statements) > 1
    assert all(len(s.encode()) <= 4000 + 100 for s in statements)
    joined = ", ".join(s.split(" VALUES ", 1)[1] for s in statements)
    assert joined == ", ".join(f"({n}, '{'供电 ' * 50}', ({n},{n + 1}))" for n in range(100))
