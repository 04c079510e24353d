from indexer.pinyin import (
    FullPinyinTokenizer,
    InitialsTokenizer,
    pinyin_matches,
    readings,
    split_syllables,
)


def positions(tokenizer, text: str) -> list[tuple[int, str]]:
    return [(t.pos, t.text) for t in tokenizer(text, positions=True)]


def test_full_syllables_with_ordinal_positions() -> None:
    tokens = positions(FullPinyinTokenizer(), "明远纺织（东城）")
    assert tokens[0] == (0, "ming")  # the reading in context comes first
    assert [t for t in tokens if t[0] > 0] == [
        (1, "yuan"), (2, "fang"), (3, "zhi"), (4, "dong"), (5, "cheng")]


def test_polyphonic_surname_gets_every_reading_at_one_position() -> None:
    tokens = positions(FullPinyinTokenizer(), "曾伟")
    assert {t for p, t in tokens if p == 0} >= {"zeng", "ceng"}
    assert (1, "wei") in tokens
    assert {"sh", "ch", "dh"} & {t[0] + "h" for t in readings("单")[0]}


def test_initials_bigrams() -> None:
    assert positions(InitialsTokenizer(), "张三丰") == [(0, "zs"), (1, "sf")]


def test_split_syllables_prefers_fewest() -> None:
    assert split_syllables("mingyuan") == ["ming", "yuan"]
    assert split_syllables("xian") == ["xian"]
    assert split_syllables("zhangsanfeng") == ["zhang", "san", "feng"]
    assert split_syllables("qwrt") is None


def test_pinyin_matches_only_for_letters() -> None:
    assert pinyin_matches("3301234567") == []
    assert pinyin_matches("S11-M") == []
    assert ("name_pinyin", ["ming", "yuan"]) in pinyin_matches("MingYuan")
    assert pinyin_matches("zs") == [("name_initials", ["zs"])]
