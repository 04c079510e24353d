"""SQL pieces every oversight figure shares, portable across SQLite and PostgreSQL.

The catalog stores ``doc_date`` as ``YYYY-MM-DD`` text and ``cataloged_at`` as a UTC
timestamp; a document's filing date (:func:`filed_at`) is when the archive room accepted its
handover, else when it entered the catalog. :class:`days_between` is the one
dialect-specific expression.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import ColumnElement, Index, Integer, and_, false, func, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from indexer.catalog.tables import documents
from search_service.archive_room.handover import ACCEPTED
from search_service.archive_room.tables import handover_items


# The oversight's access paths into the catalog (measured in bench/bench_oversight.py):
# a customer's documents of a type by date ("a later JC05", one customer's facts), and a
# unit's documents by type, customer and date, covering every column a unit's figures read
# (the dashboard of one unit never touches the table).
ACCOUNT_TYPE_DATE = Index("ix_documents_account_type_date", documents.c.account_no,
                          documents.c.doc_type, documents.c.doc_date)
UNIT_TYPE_ACCOUNT = Index("ix_documents_org_type_account", documents.c.org, documents.c.doc_type,
                          documents.c.account_no, documents.c.doc_date, documents.c.cataloged_at,
                          documents.c.removed_at)


def filed_at() -> ColumnElement[Any]:
    """A catalog document's filing date: the archive room's acceptance of its handover (移交
    接收), or, never accepted, the moment it entered the catalog."""
    h = handover_items.c
    accepted = (select(func.max(h.decided_at))
                .where(h.doc_id == documents.c.doc_id, h.status == ACCEPTED)
                .scalar_subquery())
    return func.coalesce(accepted, documents.c.cataloged_at, type_=documents.c.cataloged_at.type)


class days_between(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """Whole days from the date ``start`` (text YYYY-MM-DD) to the timestamp ``end``."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (f"CAST(julianday(date({compiler.process(end, **kw)})) - "
            f"julianday({compiler.process(start, **kw)}) AS INTEGER)")


@compiles(days_between)
def _days_default(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (f"(CAST({compiler.process(end, **kw)} AS DATE) - "
            f"CAST(NULLIF({compiler.process(start, **kw)}, '') AS DATE))")


def active() -> ColumnElement[bool]:
    """Documents still in the archive."""
    return documents.c.removed_at.is_(None)


def in_units(column: Any, units: list[str] | None) -> ColumnElement[bool]:
    """``column`` (an org) within ``units``; None means every unit."""
    if units is None:
        return true()
    return column.in_(units) if units else false()


def documents_of(units: list[str] | None, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Active documents of ``units`` meeting ``conditions``.

    A document's ``org`` is its customer's unit: the indexer writes it from the master
    data and refreshes it when customers.csv changes."""
    return and_(active(), in_units(documents.c.org, units), *conditions)


def of_accounts(column: Any, accounts: list[str] | None) -> ColumnElement[bool]:
    """``column`` (an account number) among ``accounts``; None means any."""
    return true() if accounts is None else column.in_(accounts)


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` (UTC), for comparisons with ``cataloged_at``."""
    return datetime.combine(day, time.max, tzinfo=timezone.utc)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)
