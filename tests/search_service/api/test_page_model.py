"""Links that keep the page's URL state, page numbers, and suggestions for an empty result."""

from __future__ import annotations

from search_service.api.page_model import (LinkBuilder, customers_in, document_title, pages_around,
                                           suggestions)
from search_service.reading.search import SearchParams, SearchResult


def test_toggle_adds_or_removes_one_value_and_resets_the_page():
    links = LinkBuilder("/", [("q", "明远"), ("org", "城东供电所"), ("page", "3")])
    assert links.toggle("org", "城西供电所") == (
        "/?q=%E6%98%8E%E8%BF%9C&org=%E5%9F%8E%E4%B8%9C%E4%BE%9B%E7%94%B5%E6%89%80"
        "&org=%E5%9F%8E%E8%A5%BF%E4%BE%9B%E7%94%B5%E6%89%80")
    assert links.toggle("org", "城东供电所") == "/?q=%E6%98%8E%E8%BF%9C"
    assert links.page(4).endswith("&page=4") and links.page(4).count("page=") == 1
    assert links.clear() == "/?q=%E6%98%8E%E8%BF%9C"
    assert LinkBuilder("/", [("q", "")]).clear() == "/"


def test_pages_around_marks_gaps():
    assert pages_around(1, 0, 20) == [1]
    assert pages_around(1, 100, 20) == [1, 2, 3, 4, 5]
    assert pages_around(10, 400, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert pages_around(2, 400, 20) == [1, 2, 3, 4, None, 20]
    assert pages_around(4, 200, 20) == [1, 2, 3, 4, 5, 6, None, 10]


def test_suggestions_say_what_each_loosening_gives():
    params = SearchParams(q="张三丰 合同", filters={"org": ("城东供电所",)}, date_from="2020-01-01")
    result = SearchResult(total=0, page=1, page_size=20, hits=[], took_ms=1.0, facets={
        "org": [{"value": "城西供电所", "label": "城西供电所", "count": 2, "selected": False},
                {"value": "城东供电所", "label": "城东供电所", "count": 0, "selected": True}]})
    links = LinkBuilder("/", [("q", params.q), ("org", "城东供电所"), ("date_from", "2020-01-01")])
    texts = [s.text for s in suggestions(params, result, links)]
    assert texts[0] == "去掉“供电单位”筛选（约 2 条）"
    assert "放宽形成日期范围" in texts and "清除全部筛选条件" in texts
    assert "减少检索词，例如只搜“张三丰”" in texts


def test_customers_in_a_page_of_hits_most_frequent_first():
    hits = [{"account_no": "3301000005", "customer_name": "东方化工"},
            {"account_no": "3301000001", "customer_name": "明远纺织"},
            {"account_no": "3301000001", "customer_name": "明远纺织"},
            {"account_no": "", "customer_name": ""}]
    assert customers_in(hits) == [("3301000001", "明远纺织"), ("3301000005", "东方化工")]
    assert customers_in(hits, limit=1) == [("3301000001", "明远纺织")]


def test_every_facet_has_a_chinese_title() -> None:
    from indexer.schema import FACET_FIELDS
    from search_service.api.page_model import FACET_TITLES

    assert set(FACET_FIELDS) <= set(FACET_TITLES)


def test_less_used_facets_fold_and_unfold_when_one_is_chosen() -> None:
    from search_service.api.page_model import PRIMARY_FACETS, facet_groups

    def value(v: str, selected: bool = False) -> dict:
        return {"value": v, "label": v, "count": 1, "selected": selected}

    def result(chosen_type: bool) -> SearchResult:
        return SearchResult(total=1, page=1, page_size=20, hits=[], took_ms=1.0, facets={
            "org": [value("城东供电所")], "year": [], "file_type": [value("pdf", chosen_type)],
            "handover_status": [value("未移交")]})

    groups = facet_groups(result(False))
    assert [n for n, _ in groups.primary] == ["org"]  # empty facets are left out
    assert [n for n, _ in groups.folded] == ["file_type", "handover_status"]
    assert not groups.unfold and facet_groups(result(True)).unfold
    assert "org" in PRIMARY_FACETS and "file_type" not in PRIMARY_FACETS


def test_chips_show_the_names_and_account_read_and_only_filters_are_removable():
    from search_service.api.page_model import reading_notices, understood_chips

    result = SearchResult(
        total=2, page=1, page_size=20, hits=[], took_ms=1.0, facets={},
        understood=[{"field": "doc_type", "value": "YK11", "text": "合同"},
                    {"field": "date", "value": "2023-01-01 起", "text": "2023年以来"}],
        read_as={"names": ["明远"], "account_no": "", "unknown": [],
                 "corrections": [{"typed": "明园", "meant": ["明远"]}]})
    links = LinkBuilder("/", [("q", "明园2023年以来合同")])
    chips = understood_chips(result, links)
    assert [(c.title, c.label, bool(c.remove_url)) for c in chips] == [
        ("户名", "明远", False), ("档案类别", "供用电合同", True), ("形成日期", "2023-01-01 起", True)]
    notice, = reading_notices(result, links)
    assert notice.text == "已按“明远”检索（您输入的是“明园”）。" and notice.kind == "corrected"
    assert notice.url == "/?q=%22%E6%98%8E%E5%9B%AD%222023%E5%B9%B4%E4%BB%A5%E6%9D%A5%E5%90%88%E5%90%8C"


def test_one_title_rule_the_catalogs_title_else_type_customer_and_date():
    catalogued = {"title": "杭州明远纺织有限公司身份证明", "doc_type_name": "身份证明",
                  "customer_name": "杭州明远纺织有限公司", "doc_date": "2008-11-14"}
    assert document_title(catalogued) == "杭州明远纺织有限公司身份证明"
    form = {**catalogued, "title": "用电检查工作单", "doc_type_name": "用电检查工作单"}
    assert document_title(form) == "用电检查工作单 · 杭州明远纺织有限公司 · 2008-11-14"
    assert document_title({"title": "", "doc_type_name": "", "customer_name": "",
                           "doc_date": ""}) == "文件"
