from search_service.query.closest import closest, similarity
from search_service.query.lexicon import CustomerEntry, Lexicon

LEXICON = Lexicon([CustomerEntry("3301000001", "杭州明远纺织有限公司", "城东供电所"),
                   CustomerEntry("3301000004", "宁波华丰纺织有限公司", "城西供电所"),
                   CustomerEntry("3301000006", "临平宏达机械厂", "城西供电所")], ())


def test_closest_by_characters_sound_and_edits_within_the_users_units() -> None:
    assert [c.name for c in closest(LEXICON, "宁波华峰机械有限公司", None)][0] == "宁波华丰纺织有限公司"
    assert [c.name for c in closest(LEXICON, "名园", None)] == ["杭州明远纺织有限公司"]  # sound
    west = closest(LEXICON, "明远纺织", ["城西供电所"])
    assert [c.name for c in west] == ["宁波华丰纺织有限公司"]  # never the 城东 明远
    assert closest(LEXICON, "3301000009", None)[0].account_no.startswith("33010000")


def test_similarity_prefers_the_same_characters_to_the_same_sound() -> None:
    assert similarity("明远", "杭州明远纺织") == 1.0
    assert 0.5 < similarity("铭远", "杭州明远纺织") < 1.0
    assert similarity("鹏翔", "杭州明远纺织") < 0.34
