from whoosh.analysis import Token

import random

from indexer.analysis import ChineseAnalyzer, raw_tokens, token_text, tokenize


def test_han_runs_become_overlapping_bigrams() -> None:
    assert tokenize("明远纺织") == ["明远", "远纺", "纺织"]


def test_lone_han_character_is_a_unigram() -> None:
    assert tokenize("A栋，1号") == ["a", "栋", "1", "号"]


def test_ascii_words_and_numbers_are_whole_lowercased_tokens() -> None:
    assert tokenize("户号：3301234567 S11-M-630/10 10kV") == [
        "户号", "3301234567", "s11", "m", "630", "10", "10kv"]


def test_full_width_ascii_is_folded() -> None:
    assert tokenize("ＳＣＢ１１") == ["scb11"]


def test_whitespace_between_han_characters_is_transparent() -> None:
    assert tokenize("安全\n隐患") == ["安全", "全隐", "隐患"]


def test_punctuation_breaks_han_runs() -> None:
    assert tokenize("安全，隐患") == ["安全", "隐患"]


def test_offsets_point_at_the_original_characters() -> None:
    text = "户名：杭州明\n远 ＳＣＢ11"
    spans = [(token, "".join(text[start:end].split())) for token, start, end in raw_tokens(text)]
    assert spans == [("户名", "户名"), ("杭州", "杭州"), ("州明", "州明"), ("明远", "明远"),
                     ("scb11", "ＳＣＢ11")]


def test_positions_are_ordinal_and_chars_are_exact() -> None:
    text = "发现 安全隐患"
    tokens: list[Token] = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in ChineseAnalyzer()(text, positions=True, chars=True)
    ]
    assert tokens == [("发现", 0, 0, 2), ("现安", 1, 1, 4), ("安全", 2, 3, 5),
                      ("全隐", 3, 4, 6), ("隐患", 4, 5, 7)]


def test_token_text_is_the_tokens_joined_by_spaces() -> None:
    rng = random.Random(5)
    alphabet = "供电合同变压器 \u3000\t\nａＢ１abcXYZ0123-_.,，。\u3400\uf900"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert token_text(text) == " ".join(tokenize(text)), repr(text)
    assert token_text("户名：杭州明\n远 ＳＣＢ11") == "户名 杭州 州明 明远 scb11"


def test_traditional_characters_fold_to_simplified_one_for_one() -> None:
    from indexer.analysis import fold, raw_tokens, token_text

    assert fold("臨江萬順電業") == "临江万顺电业" and fold("明远") == "明远"
    assert list(raw_tokens("萬順")) == [("万顺", 0, 2)]  # offsets of the text as written
    assert token_text("萬順電業 S11") == "万顺 顺电 电业 s11" == token_text("万顺电业 S11")


def test_lookalike_code_points_are_the_ideographs_they_stand_for() -> None:
    # ⻧ CJK radical supplement (no NFKC form), ⼦ ⾦ Kangxi radicals, U+F900 a compatibility ideograph
    assert tokenize("⻧代烃") == tokenize("卤代烃") == ["卤代", "代烃"]
    assert token_text("分⼦式，⾦属") == token_text("分子式，金属") == "分子 子式 金属"
    assert tokenize("\uf900") == tokenize("\u8c48")
    assert list(raw_tokens("品名：⻧代烃")) == [("品名", 0, 2), ("卤代", 3, 5), ("代烃", 4, 6)]


def test_every_folded_lookalike_is_a_single_unified_ideograph() -> None:
    import unicodedata

    from indexer.analysis import _LOOKALIKES

    for code, folded in _LOOKALIKES.items():
        assert len(folded) == 1 and "CJK UNIFIED IDEOGRAPH" in unicodedata.name(folded), hex(code)
