"""Time words in a query, read against today's date: 今年, 去年, 上个月, 近三年, 2023年以来,
2022到2024年 become a date range; 最近 / 最新 / 上次 / 最后一次 ask for the latest first.

"Today" is the service's configured time zone (``Settings.time_zone``, Asia/Shanghai by
default). A bare year (``2023年``) is not a time word here: it stays the year facet filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"

_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9, "十": 10, "半": 0}
_COUNT = r"(\d{1,2}|[一两二三四五六七八九十半])"
_YEAR = r"((?:19[89]|20\d)\d)"
# Longest forms first: 最近三年 is a range, 最近 alone asks for the latest.
TIME_WORDS = re.compile(
    rf"(?P<span>{_YEAR}年?(?:到|至|-|~|—)\s*{_YEAR}年)"
    rf"|(?P<since>{_YEAR}年(?:以来|至今|之后|以后|起))"
    rf"|(?P<before>{_YEAR}年(?:以前|之前))"
    rf"|(?P<recent>(?:最近|近)\s*(?P<count>{_COUNT})\s*(?P<unit>年|个月|月))"
    r"|(?P<named>今年|本年|去年|前年|本月|这个月|上个月|上月)"
    r"|(?P<latest>最后一次|最近一次|上一次|上次|最近|最新)"
)
LATEST = "date_desc"  # the sort a "latest" word asks for


@dataclass(frozen=True)
class TimeWord:
    """One time word: a date range (ISO dates, either may be open) or a sort."""

    text: str
    date_from: str = ""
    date_to: str = ""
    sort: str = ""

    @property
    def label(self) -> str:
        """How the chip shows it: 2023-01-01 至 2023-12-31, 2023-01-01 起, 最新在前."""
        if self.sort:
            return "最新在前"
        if self.date_from and self.date_to:
            return f"{self.date_from} 至 {self.date_to}"
        return f"{self.date_from} 起" if self.date_from else f"{self.date_to} 止"


def today_in(zone: str = DEFAULT_ZONE) -> date:
    """Today's date in ``zone`` (an IANA name)."""
    return datetime.now(ZoneInfo(zone)).date()


def has_time_word(text: str) -> bool:
    return TIME_WORDS.search(text) is not None


def read_time_word(text: str, today: date) -> TimeWord:
    """The meaning of ``text``, one match of :data:`TIME_WORDS`, on ``today``."""
    match = TIME_WORDS.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a time word: {text}")
    groups = [g for g in match.groups() if g]
    if match.group("latest"):
        return TimeWord(text, sort=LATEST)
    if match.group("span"):
        first, last = sorted((int(groups[1]), int(groups[2])))
        return TimeWord(text, f"{first}-01-01", f"{last}-12-31")
    if match.group("since"):
        return TimeWord(text, date_from=f"{groups[1]}-01-01")
    if match.group("before"):
        return TimeWord(text, date_to=f"{int(groups[1]) - 1}-12-31")
    if match.group("recent"):
        return _recent(text, match.group("count"), match.group("unit"), today)
    return _named(text, match.group("named"), today)


def _recent(text: str, count: str, unit: str, today: date) -> TimeWord:
    """近三年: from the same day three years ago up to today; 近半年: six months."""
    n = int(count) if count.isdigit() else _NUMERALS[count]
    months = 6 if n == 0 else (n * 12 if unit == "年" else n)
    return TimeWord(text, _months_before(today, months).isoformat(), today.isoformat())


def _named(text: str, word: str, today: date) -> TimeWord:
    year = today.year - {"去年": 1, "前年": 2}.get(word, 0)
    if word in ("今年", "本年", "去年", "前年"):
        return TimeWord(text, f"{year}-01-01", f"{year}-12-31")
    first = today.replace(day=1) if word in ("本月", "这个月") \
        else _months_before(today.replace(day=1), 1)
    last = _months_before(first, -1).toordinal() - 1
    return TimeWord(text, first.isoformat(), date.fromordinal(last).isoformat())


def _months_before(day: date, months: int) -> date:
    """``day`` moved back ``months`` months (forward when negative), clamped to month end."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
