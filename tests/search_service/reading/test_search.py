import re
from pathlib import Path

import pytest

from search_service.errors import QueryError
from search_service.reading.search import SearchParams
from tests import searching


@pytest.fixture()
def search(index_dir: Path):
    def run(q: str = "", **kwargs) -> dict:
        return searching.search(index_dir, SearchParams(q=q, **kwargs)).to_dict()

    return run


def names(result: dict) -> list[str]:
    return [h["customer_name"] for h in result["hits"]]


def test_part_of_a_person_name_finds_longer_names(search) -> None:
    assert set(names(search("张三"))) == {"张三", "张三丰"}


def test_part_of_a_company_name(search) -> None:
    result = search("明远")
    assert result["total"] == 3
    assert set(names(result)) == {"杭州明远纺织有限公司"}


def test_substring_of_the_text(search) -> None:
    hits = search("安全隐患")["hits"]
    assert [h["doc_type"] for h in hits] == ["JC01"]


def test_quoted_phrase_needs_adjacent_text(search) -> None:
    assert search('"灭火器 电缆沟"')["total"] == 0
    assert search('"未配备灭火器"')["total"] == 2
    assert search("灭火器 电缆沟")["total"] == 1  # both words, anywhere


def test_full_account_number_ranks_that_customer_first(search) -> None:
    hits = search("3301000001")["hits"]
    assert hits and all(h["account_no"] == "3301000001" for h in hits)
    assert len(hits) == 3


def test_model_numbers_with_punctuation(search) -> None:
    assert [h["doc_type"] for h in search("S11-M-630")["hits"]] == ["YK11"]


def test_snippet_marks_the_matched_text_exactly(search) -> None:
    snippet = search("配电房未配备")["hits"][0]["snippet"]
    assert re.findall(r"<mark>(.*?)</mark>", snippet) == ["配电房未配备"]
    phrase = search('"杭州明远"')["hits"][0]["snippet"]
    assert set(re.findall(r"<mark>(.*?)</mark>", phrase)) == {"杭州明远"}


def test_filters_combine_with_the_query(search) -> None:
    assert search("明远", filters={"doc_type": ("JC03",)})["total"] == 1
    assert search("", filters={"org": ("城西供电所",)})["total"] == 1
    assert search("", filters={"year": ("2023",), "customer_class": ("高压",)})["total"] == 2
    assert search("", filters={"doc_type": ("JC01", "JC03")})["total"] == 2


def test_empty_query_lists_everything_newest_first(search) -> None:
    result = search("")
    assert result["total"] == 6
    dates = [h["doc_date"] for h in result["hits"] if h["doc_date"]]
    assert dates == sorted(dates, reverse=True)


def test_facet_counts_ignore_their_own_selection(search) -> None:
    result = search("", filters={"org": ("城东供电所",)})
    assert result["total"] == 5  # with the unassigned note filed under 城东供电所/待归档
    orgs = {f["value"]: (f["count"], f["selected"]) for f in result["facets"]["org"]}
    assert orgs == {"城东供电所": (5, True), "城西供电所": (1, False)}
    types = {f["value"]: f["count"] for f in result["facets"]["doc_type"]}
    assert types == {"YK11": 1, "JC01": 1, "JC03": 1, "YK13": 1}


def test_date_range_and_sort(search) -> None:
    result = search("", date_from="2023-01-01", date_to="2023-12-31", sort="date_asc")
    assert [h["doc_date"] for h in result["hits"]] == ["2023-05-12", "2023-05-20"]


def test_paging(search) -> None:
    first = search("", page_size=2)
    second = search("", page_size=2, page=2)
    assert first["total"] == second["total"] == 6
    assert not {h["doc_id"] for h in first["hits"]} & {h["doc_id"] for h in second["hits"]}


@pytest.mark.parametrize("kwargs", [{"sort": "random"}, {"page": 0}, {"page_size": 500}])
def test_bad_parameters_are_query_errors(search, kwargs: dict) -> None:
    with pytest.raises(QueryError):
        search("明远", **kwargs)


def test_failed_files_never_appear_in_results(tmp_path: Path) -> None:
    from indexer.pipeline import run_index
    from tests.factories import build_archive

    root = build_archive(tmp_path / "a")
    (root / "城东供电所" / "损坏的合同.pdf").write_bytes(b"%PDF-1.4 garbage")
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    result = searching.search(tmp_path / "ix", SearchParams(q=""))
    assert result.total == 6


def test_names_typed_in_pinyin(search) -> None:
    assert set(names(search("mingyuan"))) == {"杭州明远纺织有限公司"}
    assert set(names(search("zhangsanfeng"))) == {"张三丰"}
    assert set(names(search("zs"))) == {"张三", "张三丰"}


def test_traditional_and_simplified_characters_find_each_other(tmp_path: Path) -> None:
    from indexer.pipeline import run_index
    from tests.factories import CUSTOMERS, make_pdf, make_txt, write_customers

    root = tmp_path / "a"
    write_customers(root, CUSTOMERS + [[
        "3301000009", "臨江萬順電業有限公司", "高压", "大工业", "10kV", "城東供電所",
        "臨江縣萬順路1號", "13512345678", ""]], encoding="utf-8")
    make_txt(root / "城東供電所" / "3301000009_臨江萬順電業有限公司" / "供用電合同.txt",
             "供用電合同\n戶號：3301000009\n用電人：臨江萬順電業有限公司\n")
    make_pdf(root / "城东供电所" / "3301000001_杭州明远纺织有限公司" / "供用电合同.pdf",
             [["供用电合同", "户号：3301000001", "用电人：杭州明远纺织有限公司"]])
    run_index(root, tmp_path / "ix", workers=1, progress=False)
    simplified = searching.search(tmp_path / "ix", q="万顺电业").to_dict()
    assert [h["account_no"] for h in simplified["hits"]] == ["3301000009"]
    assert "<mark>萬順電業</mark>" in simplified["hits"][0]["snippet"]
    traditional = searching.search(tmp_path / "ix", q="明遠紡織").to_dict()
    assert [h["account_no"] for h in traditional["hits"]] == ["3301000001"]
