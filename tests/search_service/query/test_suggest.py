from search_service.query.lexicon import CustomerEntry, Lexicon
from search_service.query.suggest import SuggestionIndex, nothing_found
from search_service.query.understand import QueryContext, understand

LEXICON = Lexicon([CustomerEntry("3301234567", "杭州明远纺织有限公司", "城东供电所"),
                   CustomerEntry("3301234568", "临江明远五金有限公司", "城西供电所"),
                   CustomerEntry("3305550001", "张三丰", "城西供电所")],
                  ["城东供电所", "城西供电所"])
INDEX = SuggestionIndex(LEXICON)


def names(q: str, units=None) -> list[str]:
    return [c["name"] for c in INDEX.suggest(q, units)["customers"]]


def test_customers_by_name_brand_pinyin_initials_and_account_prefix() -> None:
    assert names("明远") == ["杭州明远纺织有限公司", "临江明远五金有限公司"]
    assert names("杭州明") == ["杭州明远纺织有限公司"]
    assert names("mingyuan") == ["杭州明远纺织有限公司", "临江明远五金有限公司"]
    assert names("zsf") == ["张三丰"]
    assert names("33055") == ["张三丰"]
    assert names("明远", units=["城西供电所"]) == ["临江明远五金有限公司"]


def test_units_and_document_types_within_scope() -> None:
    found = INDEX.suggest("城东", ["城西供电所"])
    assert found["units"] == []
    assert INDEX.suggest("城东", None)["units"] == ["城东供电所"]
    assert {"code": "JC03", "name": "隐患整改通知书"} in INDEX.suggest("整改通知", None)["doc_types"]


def test_nothing_found_offers_parts_and_similar_names_within_scope() -> None:
    plan = understand("明园 阀门", QueryContext(LEXICON))
    hints = nothing_found(plan, INDEX, None, filtered=False)
    assert hints["parts"] == ["明园", "阀门"]
    assert [c["name"] for c in hints["similar"]] == ["杭州明远纺织有限公司", "临江明远五金有限公司"]
    assert [c["name"] for c in nothing_found(plan, INDEX, ["城西供电所"], True)["similar"]] == [
        "临江明远五金有限公司"]


def test_texts_containing_a_query_are_found_as_a_scan_finds_them() -> None:
    from search_service.query.suggest import _Joined

    texts = ["杭州明远纺织", "明远", "", "宁波明远明远", "hangzhou hz", "明", "远明"]
    joined = _Joined(texts)
    for q in ("明远", "明", "远明", "hz", "h", "织", "无", "远\n明", "hangzhou hz"):
        assert list(joined.containing(q)) == [n for n, t in enumerate(texts)
                                              if q in t and "\n" not in q], q
    assert list(_Joined([]).containing("明")) == []
