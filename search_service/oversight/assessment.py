"""Unit assessment (考核) for a period: per unit, each figure with its formula and its parts.

A period is a year (``2024``), a quarter (``2024Q3``) or a month (``2024-07``). Figures are
taken at the period's end (or today, if that is earlier): what had been filed by then, which
deadlines had passed. Units are the 供电单位 of the customers in scope; the last row is the
total over them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Integer, cast, func, select

from indexer.catalog.tables import documents
from search_service.archive_room.rules import Rules
from search_service.errors import QueryError
from search_service.oversight import completeness, followup, spotcheck
from search_service.oversight.sql import (days_between, documents_of, end_of_day, filed_at,
                                          start_of_day)

TOTAL = "合计"
_PERIOD = re.compile(r"^(\d{4})(?:[Qq]([1-4])|-(\d{1,2}))?$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date

    def as_of(self, today: date) -> date:
        return min(self.end, today)


NO_DATA = "无数据"


def parse_period(text: str) -> Period:
    """``2024`` / ``2024Q3`` / ``2024-07`` → the period; QueryError otherwise."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise QueryError(f"考核期间“{text}”格式错误，应如 2024、2024Q3 或 2024-07")
    year = int(match.group(1))
    if match.group(2):
        first = 3 * int(match.group(2)) - 2
        start, months, label = date(year, first, 1), 3, f"{year}年第{match.group(2)}季度"
    elif match.group(3):
        month = int(match.group(3))
        if not 1 <= month <= 12:
            raise QueryError(f"考核期间“{text}”的月份无效，应如 2024、2024Q3 或 2024-07")
        start, months, label = date(year, month, 1), 1, f"{year}年{month}月"
    else:
        start, months, label = date(year, 1, 1), 12, f"{year}年"
    return Period(label, start, followup.add_months(start, months) - timedelta(days=1))


def current_quarter(today: date) -> str:
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def latest_quarter(conn: Connection, units: list[str] | None, today: date) -> str:
    """The quarter a report opens on: that of the latest dated customer document on file in
    ``units`` (up to ``today``), so the first view has figures even when the archive stops
    before today; this quarter when nothing is on file. Files that failed or await their
    customer (no date, 待归档) do not count: they enter the catalog on the day of indexing."""
    d, filed = documents.c, filed_at()
    latest = conn.execute(select(func.max(d.doc_date)).where(documents_of(
        units, d.doc_date != "", d.doc_date <= today.isoformat(), d.account_no != "",
        filed <= end_of_day(today)))).scalar()
    return current_quarter(date.fromisoformat(latest) if latest else today)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    formula: str
    rate: bool  # a share (shown as a percentage) or a count


def figures(rules: Rules) -> tuple[Figure, ...]:
    return (
        Figure("customers", "客户数", "客户清单中该单位的客户户数", False),
        Figure("completeness", "资料齐全率",
               "资料齐全的客户数 ÷ 客户数（按期末已归档的文件，规则见 rules.csv）", True),
        Figure("timeliness", "归档及时率",
               f"本期归档且（归档日期 − 形成日期）≤ {rules.filing_days} 天的文件数 ÷ 本期归档的文件数",
               True),
        Figure("overdue_hazards", "隐患逾期数",
               "期末已过整改期限、其后无整改回执/复查记录、状态非“已整改”的隐患整改通知书份数", False),
        Figure("expired_contracts", "合同过期数", "期末最近一份供用电合同已超过有效期的客户数", False),
        Figure("inspection_coverage", "检查覆盖率",
               "期末仍在检查周期内的客户数 ÷ 需周期检查的客户数", True),
        Figure("spotcheck_pass", "抽查合格率",
               "本期完成的抽查中各项均合格的客户数 ÷ 本期抽查的客户数", True),
    )


def assess(conn: Connection, rules: Rules, units: list[str] | None, period: Period,
           today: date) -> dict[str, Any]:
    """Every figure per unit and in total: ``{"figures": [...], "rows": [...]}``."""
    as_of = period.as_of(today)
    parts: dict[str, dict[str, list[int]]] = {}  # org -> figure -> [numerator, denominator]

    def add(org: str, key: str, numerator: int, denominator: int = 0) -> None:
        entry = parts.setdefault(org, {}).setdefault(key, [0, 0])
        entry[0] += numerator
        entry[1] += denominator

    for status in completeness.statuses(conn, rules, units, as_of):
        add(status.org, "customers", 1)
        add(status.org, "completeness", status.complete, 1)
    for org, (timely, filed) in timeliness(conn, rules, units, period.start, as_of).items():
        add(org, "timeliness", timely, filed)
    for row in followup.overdue_hazards(conn, units, as_of):
        add(row["org"], "overdue_hazards", 1)
    for row in followup.contracts(conn, rules, units, as_of, within_days=-1):
        add(row["org"], "expired_contracts", 1)
    for row in followup.inspection_state(conn, rules, units, as_of):
        add(row["org"], "inspection_coverage", not row["overdue"], 1)
    for org, (passed, checked) in spotcheck.pass_counts(conn, units, period.start,
                                                         period.end).items():
        add(org, "spotcheck_pass", passed, checked)
    shown = figures(rules)
    rows = [_row(org, parts[org], shown) for org in sorted(o for o in parts if o)]
    total: dict[str, list[int]] = {}
    for org_parts in parts.values():
        for key, (numerator, denominator) in org_parts.items():
            entry = total.setdefault(key, [0, 0])
            entry[0] += numerator
            entry[1] += denominator
    return {"period": period.label, "start": period.start.isoformat(),
            "end": period.end.isoformat(), "as_of": as_of.isoformat(),
            "figures": [f.__dict__ for f in shown],
            "rows": rows + [_row(TOTAL, total, shown)]}


def shown(value: float | None, rate: bool) -> str:
    """A figure as people read it: a percentage or a count; 无数据 for a period without
    anything to count (not 0%)."""
    if value is None:
        return NO_DATA
    return f"{value * 100:.1f}%" if rate else str(value)


def _row(org: str, parts: dict[str, list[int]], shown: tuple[Figure, ...]) -> dict[str, Any]:
    values = {}
    for figure in shown:
        numerator, denominator = parts.get(figure.key, [0, 0])
        if figure.rate:
            value = round(numerator / denominator, 4) if denominator else None
            values[figure.key] = {"value": value, "numerator": numerator,
                                  "denominator": denominator}
        else:
            values[figure.key] = {"value": numerator}
    return {"org": org, "figures": values}


def timeliness(conn: Connection, rules: Rules, units: list[str] | None, start: date, end: date
               ) -> dict[str, tuple[int, int]]:
    """Per unit: (documents filed in time, documents filed) between ``start`` and ``end``."""
    d, filed = documents.c, filed_at()
    timely = func.sum(cast(days_between(d.doc_date, filed) <= rules.filing_days, Integer))
    query = (select(d.org, timely, func.count())
             .where(documents_of(units, d.doc_date != "",
                                 filed >= start_of_day(start), filed <= end_of_day(end)))
             .group_by(d.org))
    return {org: (int(n or 0), total) for org, n, total in conn.execute(query)}


def trend(conn: Connection, rules: Rules, units: list[str] | None, end: date, today: date,
          months: int = 12) -> list[dict[str, Any]]:
    """Completeness and filing timeliness at each of the ``months`` month ends up to ``end``.

    Two queries whatever the number of months: when each customer first had each type, and
    the documents filed in the window with whether each was in time."""
    last = date(end.year, end.month, 1)
    firsts = [followup.add_months(last, -back) for back in range(months - 1, -1, -1)]
    firsts = [first for first in firsts if first <= today]
    if not firsts:
        return []
    filed = completeness.first_filed(conn, units, rules.required_codes())
    rows = completeness.customer_rows(conn, units, bool(rules.conditions))
    buckets = _filed_by_month(conn, rules, units, firsts[0], min(end, today))
    cutoffs = [end_of_day(min(followup.add_months(first, 1) - timedelta(days=1), today))
               for first in firsts]
    # each (customer, type): the index of the first month it was there at the month's end
    since = {account: {t: bisect_left(cutoffs, at) for t, at in types.items()}
             for account, types in filed.items()}
    complete = completeness.complete_by_month(rules, rows, since, len(firsts))
    found = []
    for month, first in enumerate(firsts):
        timely, total = buckets.get((first.year, first.month), (0, 0))
        found.append({"month": f"{first.year}-{first.month:02d}",
                      "completeness": complete[month] / len(rows) if rows else None,
                      "timeliness": timely / total if total else None, "filed": total})
    return found


def _filed_by_month(conn: Connection, rules: Rules, units: list[str] | None, start: date,
                    end: date) -> dict[tuple[int, int], tuple[int, int]]:
    """(documents filed in time, documents filed) per (year, month) of filing."""
    d, filed = documents.c, filed_at()
    in_time = days_between(d.doc_date, filed) <= rules.filing_days
    query = select(filed, in_time).where(documents_of(
        units, d.doc_date != "", filed >= start_of_day(start), filed <= end_of_day(end)))
    counts: dict[tuple[int, int], list[int]] = {}
    for moment, timely in conn.execute(query):
        entry = counts.setdefault((moment.year, moment.month), [0, 0])
        entry[0] += bool(timely)
        entry[1] += 1
    return {month: (timely, total) for month, (timely, total) in counts.items()}
