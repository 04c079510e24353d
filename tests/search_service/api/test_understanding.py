"""Queries typed the way staff type them, through HTTP over the real indexed archive:
unspaced parts, understood filters as removable chips, identifier prefixes, suggestions
within scope, and what is offered when nothing is found."""

from __future__ import annotations

from search_service.access.audit import Filters
from tests.search_service.api.test_search import paths, search
from tests.search_service.conftest import AUDIT_EXPECTED, signed_in


def test_name_and_document_word_run_together(client):
    for q in ("明远合同", "明远的合同"):
        body = search(client, q=q)
        assert body["hits"][0]["path"].endswith("供用电合同_2021-03-15.pdf"), q
        assert body["reading"] == "understood"
        assert {"field": "doc_type", "value": "YK11", "text": "合同"} in body["understood"]


def test_name_with_a_shortened_legal_form(client):
    body = search(client, q="明远纺织公司")
    assert body["total"] >= 3
    assert {h["account_no"] for h in body["hits"][:3]} == {"3301000001"}


def test_unit_and_type_become_chips_and_removing_one_widens(client):
    body = search(client, q="城东供电所隐患整改通知书")
    assert {(u["field"], u["value"]) for u in body["understood"]} == {
        ("org", "城东供电所"), ("doc_type", "JC03")}
    assert {h["doc_type"] for h in body["hits"]} == {"JC03"}
    assert {h["org"] for h in body["hits"]} == {"城东供电所"}
    wider = search(client, q="城东供电所隐患整改通知书", without="城东供电所")
    assert [u["field"] for u in wider["understood"]] == ["doc_type"]
    assert wider["total"] > body["total"]
    assert "城西供电所" in {h["org"] for h in wider["hits"]}


def test_year_and_type(client):
    body = search(client, q="2023年隐患整改")
    assert {(u["field"], u["value"]) for u in body["understood"]} >= {("year", "2023")}
    assert AUDIT_EXPECTED <= paths(body)
    assert {h["doc_date"][:4] for h in body["hits"]} == {"2023"}


def test_account_and_archive_number_prefixes(client):
    body = search(client, q="3301000")
    assert body["total"] > 0 and all(h["account_no"].startswith("3301000") for h in body["hits"])
    first = search(client, q="3301000005")
    assert first["hits"][0]["account_no"] == "3301000005"


def test_a_query_found_as_written_stays_as_written(client):
    body = search(client, q="安全隐患")
    assert body["reading"] == "as_written" and body["understood"] == []


def test_nothing_found_offers_parts_and_similar_names(client):
    body = search(client, q="明园纺织")  # a one-character typo of 明远
    assert body["total"] > 0  # the similar name is matched
    empty = search(client, q="明园 不存在的词语", org="城西供电所")
    assert empty["total"] == 0
    assert empty["hints"]["remove_filters"] is True
    assert empty["hints"]["parts"] == ["明园", "不存在", "词语"]
    assert [c["name"] for c in empty["hints"]["similar"]] == ["杭州明远纺织有限公司"]


def test_suggestions_by_name_brand_pinyin_and_account_prefix(client):
    def names(q):
        response = client.get("/api/suggest", params={"q": q})
        assert response.status_code == 200, response.text
        return [c["name"] for c in response.json()["customers"]]

    assert names("明远") == ["杭州明远纺织有限公司"]
    assert names("mingyuan") == ["杭州明远纺织有限公司"]
    assert names("hzmy") == ["杭州明远纺织有限公司"]
    assert "张三丰" in names("330100000")
    body = client.get("/api/suggest", params={"q": "隐患"}).json()
    assert {"code": "JC03", "name": "隐患整改通知书"} in body["doc_types"]


def test_suggestions_never_name_another_units_customer(indexed_archive):
    clerk = signed_in(indexed_archive.settings(), "clerk-west", "clerk", "城西供电所")
    body = clerk.get("/api/suggest", params={"q": "3301"}).json()
    assert body["customers"] and {c["org"] for c in body["customers"]} == {"城西供电所"}
    assert clerk.get("/api/suggest", params={"q": "明远"}).json()["customers"] == []


def test_a_suggestion_is_not_an_archive_read(indexed_archive):
    app_client = signed_in(indexed_archive.settings(), "suggest-reader", "inspector", "")
    log = app_client.app.state.access.audit
    before, _ = log.query(Filters(user="suggest-reader"))
    assert app_client.get("/api/suggest", params={"q": "明远"}).json()["customers"]
    after, _ = log.query(Filters(user="suggest-reader"))
    assert after == before


# --- issue 19: queries as staff really type them; the same reading in API, CLI and page


def test_an_account_typed_with_separators_lists_only_that_account(client):
    for typed in ("3301 0000 05", "3301-000-005", "３３０１０００００５"):
        body = search(client, q=typed)
        assert body["total"] > 0 and {h["account_no"] for h in body["hits"]} == {"3301000005"}
        assert body["read_as"]["account_no"] == "3301000005" and body["match"] == "exact"
    nobody = search(client, q="3399 0000 01")
    assert nobody["total"] == 0 and nobody["match"] == "loose"


def test_a_units_short_name_is_the_unit_filter(client):
    body = search(client, q="城东所隐患整改通知书")
    assert {"field": "org", "value": "城东供电所", "text": "城东所"} in body["understood"]
    assert {h["org"] for h in body["hits"]} == {"城东供电所"} and body["read_as"]["units"] == [
        "城东供电所"]


def test_a_company_nobody_is_gets_loose_hits_and_the_closest_customers(client):
    body = search(client, q="宁波华峰机械有限公司")  # 宁波华丰纺织 exists, 华峰机械 does not
    assert body["total"] > 0 and body["match"] == "loose"
    assert body["read_as"]["unknown"] == ["宁波华峰机械有限公司"]
    assert body["did_you_mean"][0]["name"] == "宁波华丰纺织有限公司"
    assert search(client, q="明远合同")["match"] == "exact"


def test_a_typo_or_homophone_is_corrected_and_says_so(client):
    for typed in ("明园合同", "铭远合同"):
        body = search(client, q=typed)
        assert body["hits"][0]["path"].endswith("供用电合同_2021-03-15.pdf"), typed
        assert body["read_as"]["corrections"] == [{"typed": typed[:2], "meant": ["明远"]}]
        assert body["match"] == "exact"


def test_time_words_are_a_date_range_and_the_last_one_comes_first(client):
    body = search(client, q="2023年以来隐患整改通知书")
    assert {"field": "date", "value": "2023-01-01 起", "text": "2023年以来"} in body["understood"]
    assert body["read_as"]["date_from"] == "2023-01-01"
    assert body["total"] > 0 and min(h["doc_date"] for h in body["hits"]) >= "2023-01-01"
    latest = search(client, q="杭州东方化工有限公司上次隐患整改通知书")
    assert latest["read_as"]["sort"] == "date_desc"
    assert [h["doc_date"] for h in latest["hits"]] == ["2023-11-02", "2023-08-01", "2022-03-10"]


def test_pinyin_beside_chinese_is_the_name(client):
    for q in ("mingyuan合同", "hzmy合同"):
        body = search(client, q=q)
        assert body["hits"][0]["path"].endswith("供用电合同_2021-03-15.pdf"), q
        assert body["read_as"]["names"] == [q[:-2]]


def test_an_inspectors_combination_of_unit_year_type_and_status(client):
    body = search(client, q="城东供电所2023年隐患整改通知书逾期")
    assert body["read_as"]["units"] == ["城东供电所"] and body["read_as"]["years"] == ["2023"]
    assert body["read_as"]["hazard_status"] == ["逾期"]
    assert [h["account_no"] for h in body["hits"]] == ["3301000005"]


def test_a_correction_never_names_a_customer_of_another_unit(indexed_archive):
    clerk = signed_in(indexed_archive.settings(), "clerk-west-typo", "clerk", "城西供电所")
    body = search(clerk, q="明园合同")  # 明远 is a customer of 城东供电所 only
    assert body["read_as"]["corrections"] == [] and "明远" not in body["read_as"]["names"]
    assert body["match"] == "loose"
    assert all(c["org"] == "城西供电所" for c in body["did_you_mean"])


def test_time_words_are_read_against_today_in_the_services_zone(client):
    from search_service.query.timewords import today_in

    year = today_in("Asia/Shanghai").year - 1
    body = search(client, q="去年隐患整改通知书")
    assert (body["read_as"]["date_from"], body["read_as"]["date_to"]) == (
        f"{year}-01-01", f"{year}-12-31")
    assert all(h["doc_date"].startswith(str(year)) for h in body["hits"])
