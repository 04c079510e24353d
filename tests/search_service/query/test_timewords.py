from datetime import date

import pytest

from search_service.query.timewords import has_time_word, read_time_word, today_in

TODAY = date(2024, 3, 31)


@pytest.mark.parametrize(("word", "date_from", "date_to"), [
    ("今年", "2024-01-01", "2024-12-31"), ("去年", "2023-01-01", "2023-12-31"),
    ("前年", "2022-01-01", "2022-12-31"), ("上个月", "2024-02-01", "2024-02-29"),
    ("本月", "2024-03-01", "2024-03-31"), ("近三年", "2021-03-31", "2024-03-31"),
    ("近半年", "2023-09-30", "2024-03-31"), ("最近3个月", "2023-12-31", "2024-03-31"),
    ("2023年以来", "2023-01-01", ""), ("2020年以前", "", "2019-12-31"),
    ("2022到2024年", "2022-01-01", "2024-12-31"), ("2024至2022年", "2022-01-01", "2024-12-31"),
])
def test_time_words_are_date_ranges_against_today(word, date_from, date_to) -> None:
    found = read_time_word(word, TODAY)
    assert (found.date_from, found.date_to, found.sort) == (date_from, date_to, "")


def test_latest_words_sort_newest_first_and_labels_read_as_chips() -> None:
    assert {read_time_word(w, TODAY).sort for w in ("上次", "最新", "最近", "最后一次")} == {"date_desc"}
    assert read_time_word("去年", TODAY).label == "2023-01-01 至 2023-12-31"
    assert read_time_word("2023年以来", TODAY).label == "2023-01-01 起"
    assert read_time_word("上次", TODAY).label == "最新在前"


def test_a_bare_year_is_no_time_word_and_today_has_a_zone() -> None:
    assert not has_time_word("2023年隐患整改") and has_time_word("明远上次检查单")
    assert abs((today_in("Asia/Shanghai") - today_in("America/Los_Angeles")).days) <= 1
