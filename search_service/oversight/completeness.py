"""Completeness (资料齐全): per customer, the document types the rules require and those missing.

One query groups the catalog by customer and type (``GROUP BY account_no, doc_type``), one
reads the customers; the rules are applied per customer in Python (they may depend on the
master data's extra columns and on business documents present).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, func, select

from indexer.catalog.tables import customers, documents
from indexer.customers import parse_extra
from search_service.archive_room.rules import Rules, type_label
from search_service.oversight.sql import documents_of, end_of_day, in_units


@dataclass(frozen=True)
class CustomerStatus:
    account_no: str
    name: str
    org: str
    customer_class: str
    volt_level: str
    required: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    def summary(self) -> str:
        """``应有 13 项，已有 11 项，缺 YK08 受电工程设计审查意见书、YK09 中间检查记录``."""
        text = f"应有 {len(self.required)} 项，已有 {len(self.required) - len(self.missing)} 项"
        if self.missing:
            text += "，缺 " + "、".join(type_label(code) for code in self.missing)
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"account_no": self.account_no, "name": self.name, "org": self.org,
                "customer_class": self.customer_class, "volt_level": self.volt_level,
                "complete": self.complete, "required": list(self.required),
                "missing": list(self.missing),
                "missing_names": [type_label(code) for code in self.missing],
                "summary": self.summary()}


@dataclass
class Summary:
    customers: int = 0
    complete: int = 0
    missing_by_type: Counter = field(default_factory=Counter)

    def add(self, status: CustomerStatus) -> None:
        self.customers += 1
        self.complete += status.complete
        self.missing_by_type.update(status.missing)

    @property
    def rate(self) -> float | None:
        return self.complete / self.customers if self.customers else None


def present_types(conn: Connection, units: list[str] | None, as_of: date | None = None,
                  accounts: list[str] | None = None) -> dict[str, set[str]]:
    """The types each customer of ``units`` has (filed by ``as_of``).

    One row per customer: its types joined by commas (``aggregate_strings`` is
    ``group_concat`` on SQLite, ``string_agg`` on PostgreSQL)."""
    # Every type, not only those the rules name: SQLite then groups along the account index
    # without sorting (three times faster over 10^5 customers); extra types do no harm.
    conditions = []
    if as_of is not None:
        conditions.append(documents.c.cataloged_at <= end_of_day(as_of))
    if accounts is not None:
        conditions.append(documents.c.account_no.in_(accounts))
    query = (select(documents.c.account_no, func.aggregate_strings(documents.c.doc_type, ","))
             .where(documents_of(units, *conditions))
             .group_by(documents.c.account_no))
    return {account_no: set(joined.split(",")) for account_no, joined in conn.execute(query)}


@dataclass(frozen=True)
class CustomerRow:
    account_no: str
    name: str
    org: str
    customer_class: str
    volt_level: str
    extra: dict[str, str]  # the master data's extra columns (only those the rules use)


def customer_rows(conn: Connection, units: list[str] | None, with_extra: bool,
                  accounts: list[str] | None = None) -> list[CustomerRow]:
    """Master data of the customers of ``units`` (or of ``accounts``), by account."""
    c = customers.c
    columns = [c.account_no, c.name, c.org, c.customer_class, c.volt_level]
    query = select(*columns, c.extra if with_extra else c.account_no.label("extra")) \
        .where(in_units(c.org, units)).order_by(c.account_no)
    if accounts is not None:
        query = query.where(c.account_no.in_(accounts))
    return [CustomerRow(*row[:5], parse_extra(row.extra) if with_extra and row.extra != "{}" else {})
            for row in conn.execute(query)]


def statuses(conn: Connection, rules: Rules, units: list[str] | None,
             as_of: date | None = None, accounts: list[str] | None = None
             ) -> list[CustomerStatus]:
    """Every customer of ``units`` with the types it must have and those it misses."""
    present = present_types(conn, units, as_of, accounts)
    return judge(rules, customer_rows(conn, units, bool(rules.conditions), accounts), present)


def judge(rules: Rules, rows: list[CustomerRow], present: dict[str, set[str]]
          ) -> list[CustomerStatus]:
    """Customers (rows of :func:`customer_rows`) judged against the types they have."""
    required_of = _Required(rules)
    found = []
    for row in rows:
        has = present.get(row.account_no, set())
        required = required_of(row, has)
        found.append(CustomerStatus(
            row.account_no, row.name, row.org, row.customer_class, row.volt_level,
            required, tuple(code for code in required if code not in has)))
    return found


class _Required:
    """The types a customer must have, computed once per distinct input (class, business
    documents present, master-data values the conditions read)."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.triggers = frozenset(r.business for r in rules.requirements if r.business)
        self.columns = sorted(rules.conditions)
        self.cache: dict[tuple, tuple[str, ...]] = {}

    def __call__(self, row: CustomerRow, has: set[str]) -> tuple[str, ...]:
        key = (row.customer_class, frozenset(has & self.triggers),
               tuple(row.extra.get(c) for c in self.columns))
        required = self.cache.get(key)
        if required is None:
            required = self.cache[key] = tuple(
                self.rules.required_types(row.customer_class, has, row.extra))
        return required


def complete_by_month(rules: Rules, rows: list[CustomerRow],
                      since: dict[str, dict[str, int]], months: int) -> list[int]:
    """How many of ``rows`` were complete at each of ``months`` month ends, given the index
    of the month each customer's types first appear in (``months`` or more: not yet).

    Per customer, the required types change only when a business document appears, so
    each stretch between such months is complete from the month its last required type
    arrived: a few steps per customer whatever the number of months."""
    required_of = _Required(rules)
    diff = [0] * (months + 1)
    for row in rows:
        first = since.get(row.account_no, {})
        changes = sorted({0, *(first[t] for t in required_of.triggers
                               if t in first and first[t] < months)})
        for n, start in enumerate(changes):
            end = changes[n + 1] if n + 1 < len(changes) else months
            has = {t for t, k in first.items() if k <= start}
            required = required_of(row, has)
            ready = max((first.get(t, months) for t in required), default=0)
            begin = max(start, ready)
            if begin < end:
                diff[begin] += 1
                diff[end] -= 1
    counts, running = [], 0
    for month in range(months):
        running += diff[month]
        counts.append(running)
    return counts


def first_filed(conn: Connection, units: list[str] | None, codes: set[str]
                ) -> dict[str, dict[str, datetime]]:
    """When each customer's first document of each type among ``codes`` was filed."""
    d = documents.c
    query = (select(d.account_no, d.doc_type, func.min(d.cataloged_at))
             .where(documents_of(units, d.doc_type.in_(sorted(codes))))
             .group_by(d.account_no, d.doc_type))
    found: dict[str, dict[str, datetime]] = {}
    for account_no, doc_type, filed in conn.execute(query):
        if isinstance(filed, str):  # SQLite returns min() of a timestamp as text
            filed = datetime.fromisoformat(filed).replace(tzinfo=timezone.utc)
        found.setdefault(account_no, {})[doc_type] = filed
    return found


def summarize(found: list[CustomerStatus]) -> Summary:
    summary = Summary()
    for status in found:
        summary.add(status)
    return summary



def count_by_org(found: list[CustomerStatus]) -> dict[str, Summary]:
    by_org: dict[str, Summary] = {}
    for status in found:
        by_org.setdefault(status.org, Summary()).add(status)
    return by_org
