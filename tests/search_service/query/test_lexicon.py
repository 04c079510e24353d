from search_service.query.lexicon import (BRAND, CUSTOMER, DOC_TYPE, ORG, YEAR, CustomerEntry,
                                          Lexicon, brand_of, shared_regions)

CUSTOMERS = [CustomerEntry("3301000001", "杭州明远纺织有限公司", "城东供电所"),
             CustomerEntry("3301000002", "临江明远五金有限公司（二厂）", "城西供电所"),
             CustomerEntry("3301000003", "李娟", "城东供电所")]


def test_brand_is_the_name_without_region_legal_form_and_industry() -> None:
    assert brand_of("杭州明远纺织有限公司") == "明远"
    assert brand_of("临江明远五金有限公司（二厂）") == "明远"
    assert brand_of("临平宏达机械厂") == "宏达"
    assert brand_of("某某市天成化工股份有限公司") == "天成"
    assert brand_of("李娟") == ""


def test_regions_are_learnt_from_prefixes_many_names_share() -> None:
    names = [f"云溪{b}纺织有限公司" for b in ("甲乙", "丙丁", "戊己")]
    assert "云溪" in shared_regions(names)
    assert shared_regions(names[:2]) == set()


def test_words_name_units_types_statuses_customers_and_brands() -> None:
    lexicon = Lexicon(CUSTOMERS, ["城东供电所", "城西供电所"])
    assert lexicon.entity("城东供电所").kind == ORG
    assert lexicon.entity("合同").values == ("YK11", "YK12")
    assert lexicon.entity("隐患整改通知书").kind == DOC_TYPE
    assert lexicon.entity("2023年").kind == YEAR and lexicon.entity("2023").values == ("2023",)
    assert lexicon.entity("明远").kind == BRAND
    assert lexicon.entity("李娟").kind == CUSTOMER
    assert lexicon.entity("逾期").is_filter
    assert lexicon.in_a_name("明远纺织") and not lexicon.in_a_name("明远合同")


def test_similar_names_one_character_or_one_sound_away() -> None:
    lexicon = Lexicon(CUSTOMERS, [])
    assert lexicon.similar("明园") == ["明远"]
    assert lexicon.similar("李鹃") == ["李娟"]
    assert lexicon.similar("合同") == []
