"""Periods of the assessment."""

from __future__ import annotations

from datetime import date

import pytest

from search_service.errors import QueryError
from search_service.oversight.assessment import current_quarter, parse_period


@pytest.mark.parametrize(("text", "label", "start", "end"), [
    ("2024", "2024年", date(2024, 1, 1), date(2024, 12, 31)),
    ("2024Q3", "2024年第3季度", date(2024, 7, 1), date(2024, 9, 30)),
    ("2024q1", "2024年第1季度", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-02", "2024年2月", date(2024, 2, 1), date(2024, 2, 29)),
])
def test_periods(text: str, label: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)
    assert period.as_of(date(2024, 8, 15)) == min(end, date(2024, 8, 15))


@pytest.mark.parametrize("text", ["2024Q5", "2024-13", "24", "2024H1", ""])
def test_bad_periods(text: str) -> None:
    with pytest.raises(QueryError, match="2024Q3"):
        parse_period(text)


def test_current_quarter() -> None:
    assert current_quarter(date(2026, 12, 3)) == "2026Q4"
    assert current_quarter(date(2026, 1, 1)) == "2026Q1"
