"""``GET /api/search`` through HTTP, over the real indexed archive of conftest.py."""

from __future__ import annotations

import pytest

from tests.search_service.conftest import signed_in, AUDIT_EXPECTED, BILLING_MONTHS

FILTERS = ("doc_type", "org", "year", "customer_class", "elec_type", "volt_level",
           "hazard_status", "file_type")


def search(client, **params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def paths(body) -> set[str]:
    return {hit["path"] for hit in body["hits"]}


def facet(body, name) -> dict[str, dict]:
    return {f["value"]: f for f in body["facets"][name]}


def test_customer_name_finds_its_documents_with_marked_snippets(client):
    body = search(client, q="明远")
    assert body["total"] == 3
    assert {h["account_no"] for h in body["hits"]} == {"3301000001"}
    hit = next(h for h in body["hits"] if h["doc_type"] == "YK11")
    assert hit["customer_name"] == "杭州明远纺织有限公司"
    assert hit["doc_type_name"] == "供用电合同"
    assert hit["doc_date"] == "2021-03-15" and hit["file_type"] == "pdf" and hit["pages"] == 2
    assert "<mark>明远</mark>" in hit["snippet"]
    assert set(body) == {"total", "page", "page_size", "hits", "facets", "took_ms", "partial",
                         "missing_shards", "understood", "reading", "hints", "match", "read_as",
                         "did_you_mean"}
    assert body["partial"] is False and body["missing_shards"] == []


def test_the_answer_says_how_long_the_search_and_its_engine_took(client):
    response = client.get("/api/search", params={"q": "明远 合同"})
    timings = dict(part.split(";dur=") for part in response.headers["Server-Timing"].split(", "))
    search_ms, engine_ms = float(timings["search"]), float(timings["engine"])
    assert set(timings) == {"search", "engine"} and 0 < engine_ms <= search_ms + 0.1
    assert search_ms == response.json()["took_ms"]


def test_openapi_documents_every_search_parameter(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/search"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) >= {"q", *FILTERS, "text_source", "complete", "missing_types",
                               "hazard_overdue", "contract_state", "handover_status",
                               "date_from", "date_to", "account_no", "without", "sort",
                               "page", "page_size"}
    assert all(p["in"] == "query" and not p["required"] for p in parameters.values())
    assert parameters["doc_type"]["schema"]["type"] == "array"
    assert "可重复" in parameters["doc_type"]["description"]
    assert parameters["page_size"]["schema"]["maximum"] == 100
    assert parameters["sort"]["schema"]["enum"] == ["relevance", "date_desc", "date_asc"]


def test_account_number_as_query(client):
    body = search(client, q="3301000005")
    assert body["total"] >= 5
    assert {h["account_no"] for h in body["hits"]} == {"3301000005"}


def test_snippet_escapes_everything_but_marks(client, own_archive):
    from pathlib import Path

    from indexer.pipeline import run_index
    from tests.factories import make_txt

    make_txt(Path(own_archive.root) / "城东供电所" / "3301000007_王五" / "情况说明_2024-01-02.txt",
             "情况说明\n户号：3301000007\n<script>alert('明远')</script> & 说明\n")
    run_index(own_archive.root, own_archive.index_dir, workers=1, progress=False)
    body = signed_in(own_archive.settings()).get(
        "/api/search", params={"q": "情况说明 alert"}).json()
    snippet = next(h["snippet"] for h in body["hits"] if h["account_no"] == "3301000007")
    assert "<script>" not in snippet
    assert "&lt;script&gt;<mark>alert</mark>(&#x27;明远&#x27;)&lt;/script&gt; &amp; 说明" in snippet


def test_empty_query_browses_everything_newest_first(client):
    body = search(client, page_size=100)
    dates = [h["doc_date"] for h in body["hits"] if h["doc_date"]]
    assert dates == sorted(dates, reverse=True)
    assert body["total"] == len(body["hits"])
    assert all(h["score"] is None for h in body["hits"])


@pytest.mark.parametrize("name,value", [
    ("doc_type", "JC03"), ("org", "城西供电所"), ("year", "2023"), ("customer_class", "高压"),
    ("elec_type", "居民生活"), ("volt_level", "380V"), ("hazard_status", "未整改"),
    ("file_type", "docx"), ("text_source", "文字层"),
])
def test_every_filter_keeps_exactly_the_matching_documents(client, name, value):
    everything = search(client, page_size=100)
    expected = facet(everything, name)[value]["count"]
    body = search(client, **{name: value}, page_size=100)
    assert body["total"] == expected > 0
    stored = {"doc_type": "doc_type", "org": "org", "customer_class": "customer_class",
              "volt_level": "volt_level", "hazard_status": "hazard_status",
              "file_type": "file_type"}  # text_source is not a hit field: counted only
    if name in stored:
        assert {h[stored[name]] for h in body["hits"]} == {value}
    if name == "year":
        assert all(h["doc_date"].startswith(value) for h in body["hits"])
    assert facet(body, name)[value]["selected"] is True


def test_the_auditors_question_gets_exactly_that_set(client):
    body = search(client, doc_type="JC03", volt_level="10kV", org="城东供电所", year="2023",
                  hazard_status=["未整改", "整改中", "逾期"])
    assert paths(body) == AUDIT_EXPECTED
    assert body["total"] == len(AUDIT_EXPECTED)


def test_values_of_one_filter_or_together_and_filters_and_together(client):
    east = search(client, org="城东供电所", doc_type="JC03")["total"]
    west = search(client, org="城西供电所", doc_type="JC03")["total"]
    both = search(client, org=["城东供电所", "城西供电所"], doc_type="JC03")
    assert both["total"] == east + west
    assert {h["org"] for h in both["hits"]} == {"城东供电所", "城西供电所"}
    assert search(client, org="城西供电所", customer_class="高压", doc_type="JC03")["total"] == 1


def test_facet_counts_ignore_their_own_selection(client):
    unfiltered = search(client, doc_type="JC03")
    chosen = search(client, doc_type="JC03", org="城东供电所")
    assert facet(chosen, "org") == {
        v: {**f, "selected": v == "城东供电所"} for v, f in facet(unfiltered, "org").items()}
    assert facet(chosen, "org")["城西供电所"]["count"] == 2  # still shown beside the choice
    # other facets do follow the selection
    assert sum(f["count"] for f in chosen["facets"]["hazard_status"]) == chosen["total"]
    assert facet(chosen, "hazard_status") != facet(unfiltered, "hazard_status")


def test_facet_labels_are_chinese_names(client):
    body = search(client)
    assert facet(body, "doc_type")["JC03"]["label"] == "隐患整改通知书"
    assert facet(body, "file_type")["pdf"]["label"] == "PDF"
    years = [f["value"] for f in body["facets"]["year"]]
    assert years == sorted(years, reverse=True)


def test_date_range_is_inclusive(client):
    body = search(client, date_from="2023-05-12", date_to="2023-08-01", page_size=100)
    dates = sorted(h["doc_date"] for h in body["hits"])
    assert dates[0] == "2023-05-12" and dates[-1] == "2023-08-01"
    assert all("2023-05-12" <= d <= "2023-08-01" for d in dates)


def test_account_no_filter(client):
    body = search(client, account_no="3301000007", q="电费", page_size=100)
    assert body["total"] == BILLING_MONTHS
    assert {h["account_no"] for h in body["hits"]} == {"3301000007"}


@pytest.mark.parametrize("sort,reverse", [("date_desc", True), ("date_asc", False)])
def test_sort_by_date(client, sort, reverse):
    body = search(client, q="电费通知单", sort=sort, page_size=100)
    dates = [h["doc_date"] for h in body["hits"]]
    assert len(dates) == BILLING_MONTHS and dates == sorted(dates, reverse=reverse)


def test_relevance_ranks_the_customer_name_above_a_mention(client):
    body = search(client, q="明远", sort="relevance")
    scores = [h["score"] for h in body["hits"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_paging_walks_through_all_hits_once(client):
    first = search(client, q="电费通知单", sort="date_asc", page_size=10)
    pages = [first] + [search(client, q="电费通知单", sort="date_asc", page_size=10, page=n)
                       for n in (2, 3)]
    seen = [h["doc_id"] for p in pages for h in p["hits"]]
    assert [len(p["hits"]) for p in pages] == [10, 10, BILLING_MONTHS - 20]
    assert len(set(seen)) == BILLING_MONTHS == first["total"]
    assert [p["page"] for p in pages] == [1, 2, 3]


def test_a_page_past_the_end_gives_the_last_page(client):
    body = search(client, q="电费通知单", page=50, page_size=10)
    assert body["page"] == 3 and len(body["hits"]) == BILLING_MONTHS - 20


def test_no_match_is_an_empty_result(client):
    body = search(client, q="不存在的词语组合")
    assert body["total"] == 0 and body["hits"] == []


def test_chinese_punctuation_separates_words(client):
    assert paths(search(client, q="明远，纺织。")) == paths(search(client, q="明远 纺织"))
    assert search(client, q="明远，纺织")["total"] == 3


def test_chinese_quotation_marks_quote_a_phrase(client):
    phrase = search(client, q="“变压器渗油”")
    assert phrase["total"] == search(client, q='"变压器渗油"')["total"] == 2
    assert search(client, q="“渗油变压器”")["total"] == 0
