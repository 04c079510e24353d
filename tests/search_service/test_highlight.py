from whoosh.query import And, Phrase, Term

from search_service.highlight import compile_phrases, mark_all, phrases_of, snippet


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
