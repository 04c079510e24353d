import pytest

from whoosh.query import And, Phrase, Term

from search_service.access.masking import mask_text, numbers_record
from search_service.viewer.highlight import compile_phrases, mark_all, phrases_of, snippet


def marks(fragment: str) -> list[str]:
    import re
    return re.findall(r"<mark>(.*?)</mark>", fragment)


def test_phrase_across_a_line_break_is_marked_whole() -> None:
    pattern = compile_phrases([("安全", "全隐", "隐患")])
    assert marks(snippet("检查结果：发现安全\n隐患。", pattern)) == ["安全 隐患"]


def test_ascii_words_match_whole_words_only() -> None:
    pattern = compile_phrases([("s11", "m", "630")])
    text = "型号 S11-M-630/10，另有 XS11-M-6300"
    assert marks(snippet(text, pattern)) == ["S11-M-630"]


def test_full_width_letters_and_digits_match_as_ascii() -> None:
    pattern = compile_phrases([("scb13",)])
    text = "户号：3301000001，变压器型号：ＳＣＢ１３－２０００／１０"
    assert marks(snippet(text, pattern)) == ["ＳＣＢ１３"]
    assert marks(snippet("型号：scb13－2000", pattern)) == ["scb13"]


def test_everything_else_is_escaped() -> None:
    pattern = compile_phrases([("明远",)])
    assert snippet("<b>明远</b> & co", pattern) == "&lt;b&gt;<mark>明远</mark>&lt;/b&gt; &amp; co"


def test_window_centres_on_the_densest_matches() -> None:
    text = "开头" * 200 + "灭火器缺失" + "结尾" * 200
    fragment = snippet(text, compile_phrases([("灭火", "火器")]), width=40)
    assert fragment.startswith("…") and fragment.endswith("…")
    assert marks(fragment) == ["灭火器"]


def test_phrases_come_from_text_fields_only() -> None:
    query = And([Phrase("content", ["明远", "远纺"]), Term("account_no", "3301000001"),
                 Term("content", "3301000001")])
    assert phrases_of(query, ["content"]) == [("明远", "远纺"), ("3301000001",)]


def test_mark_all_marks_every_occurrence() -> None:
    assert marks(mark_all("明远和明远", compile_phrases([("明远",)]))) == ["明远", "明远"]


NUMBERS_TEXT = ("证件号码 330102 19870623 4417 电话 +86 137 5862 9034 卡号 6217 8563 9042 7715 208 "
                "户号 3301000101 ")


@pytest.mark.parametrize("offset", range(0, 150, 7))
def test_masked_snippets_equal_cutting_the_masked_text(offset: int) -> None:
    text = "检查" * offset + NUMBERS_TEXT + "现场" * 30 + "灭火器" + "现场" * 60 + NUMBERS_TEXT
    pattern = compile_phrases([("灭火", "火器")])
    expected = snippet(mask_text(text), pattern)
    assert snippet(text, pattern, masked=True) == expected
    # from the catalog's record of where the numbers stand; a stale one is not trusted
    assert snippet(text, pattern, masked=True, numbers=numbers_record(text)) == expected
    assert snippet(text, pattern, masked=True, numbers=numbers_record(text[1:])) == expected
    assert "19870623" not in mark_all(text, pattern, masked=True)


def test_marks_never_tell_hidden_digits() -> None:
    text = "证件号码 330102198706234417，出生日期不详"
    fragment = compile_phrases([("19870623",)])
    whole = compile_phrases([("330102198706234417",)])
    assert mark_all(text, whole, masked=True) == "证件号码 <mark>330102********4417</mark>，出生日期不详"
    assert "<mark>" not in snippet("证件号码 330102 19870623 4417", fragment, masked=True)
    assert snippet("证件号码 330102 19870623 4417", fragment) == \
        "证件号码 330102 <mark>19870623</mark> 4417"
