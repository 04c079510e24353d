"""Follow-up work lists (跟踪督办), each over the customers of some units, as of a day.

- overdue hazards: a 隐患整改通知书 (JC03) past its 整改期限 with no 整改回执/复查记录 (JC05) of
  the same customer dated on or after it (a JC03 whose own status is 已整改 is closed too);
- contracts: the customer's latest 供用电合同 (YK11) plus the class's validity, expired or
  expiring within the notice period (a later contract is the renewal);
- inspections: customers whose class/voltage needs periodic 用电检查 (JC01) and whose last one
  (or, never inspected, their 装表接电 YK13) is older than the interval;
- inspection sheets' 整改状态: that of the notice that followed the sheet (a search facet);
- late filings: documents filed (accepted by the archive room, else cataloged) more than the
  filing deadline after their date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, and_, exists, func, select
from sqlalchemy.orm import aliased

from indexer.catalog.tables import customers, documents
from search_service.archive_room.rules import Rules
from search_service.oversight.sql import (days_between, documents_of, end_of_day, filed_at,
                                          in_units, of_accounts, start_of_day)

CLOSED_STATUS = "已整改"
OPEN_STATUS, OVERDUE_STATUS, NO_HAZARD = "未整改", "逾期", "无隐患"
EXPIRED, EXPIRING = "已过期", "即将到期"
NEVER = "从未检查"


@dataclass(frozen=True)
class Column:
    key: str
    title: str


@dataclass(frozen=True)
class WorkList:
    """A list's identity, title and columns (Chinese headers, for the page and Excel)."""

    name: str
    title: str
    columns: tuple[Column, ...]


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(k, t) for k, t in pairs)


CUSTOMER_COLUMNS = (("account_no", "户号"), ("customer_name", "户名"), ("org", "供电单位"))
LISTS: dict[str, WorkList] = {w.name: w for w in (
    WorkList("incomplete", "资料不齐全的客户", _columns(
        *CUSTOMER_COLUMNS, ("customer_class", "用户分类"), ("required_count", "应有"),
        ("present_count", "已有"), ("missing_text", "缺少的档案类别"))),
    WorkList("hazards", "隐患逾期未整改", _columns(
        *CUSTOMER_COLUMNS, ("doc_date", "通知日期"), ("rectify_deadline", "整改期限"),
        ("days_overdue", "逾期天数"), ("hazard_status", "整改状态"), ("title", "题名"))),
    WorkList("contracts", "合同到期与过期", _columns(
        *CUSTOMER_COLUMNS, ("customer_class", "用户分类"), ("doc_date", "合同日期"),
        ("expires", "到期日期"), ("days_left", "剩余天数"), ("state", "状态"))),
    WorkList("inspections", "周期检查逾期", _columns(
        *CUSTOMER_COLUMNS, ("customer_class", "用户分类"), ("volt_level", "电压等级"),
        ("interval_months", "检查周期（月）"), ("last_inspection", "上次检查"),
        ("due", "应检日期"), ("days_overdue", "逾期天数"))),
    WorkList("late", "归档不及时的文件", _columns(
        *CUSTOMER_COLUMNS, ("doc_type", "档案类别"), ("title", "题名"), ("doc_date", "形成日期"),
        ("filed", "归档日期"), ("days", "间隔天数"), ("path", "文件路径"))),
)}


def overdue_hazards(conn: Connection, units: list[str] | None, today: date,
                    accounts: list[str] | None = None) -> list[dict[str, Any]]:
    """JC03 notices past their deadline on ``today`` without a later JC05."""
    return open_hazards(conn, units, today, accounts, overdue_only=True)


def open_hazards(conn: Connection, units: list[str] | None, today: date,
                 accounts: list[str] | None = None, overdue_only: bool = False
                 ) -> list[dict[str, Any]]:
    """JC03 notices not closed on ``today`` (by a later JC05 or their own 已整改 status)."""
    d = documents.c
    receipt = aliased(documents)
    closed = exists().where(and_(
        receipt.c.account_no == d.account_no, receipt.c.doc_type == "JC05",
        receipt.c.removed_at.is_(None), receipt.c.doc_date >= d.doc_date,
        receipt.c.doc_date <= today.isoformat()))
    conditions = [of_accounts(d.account_no, accounts), d.doc_type == "JC03",
                  d.hazard_status != CLOSED_STATUS, d.doc_date <= today.isoformat(), ~closed]
    if overdue_only:
        conditions += [d.rectify_deadline != "", d.rectify_deadline < today.isoformat()]
    query = (select(d.doc_id, d.account_no, d.customer_name, d.org, d.doc_date,
                    d.rectify_deadline, d.hazard_status, d.title, d.path)
             .where(documents_of(units, *conditions))
             .order_by(d.rectify_deadline, d.account_no))
    return [{**row._mapping, "days_overdue": _days_past(row.rectify_deadline, today)}
            for row in conn.execute(query)]


def inspection_statuses(conn: Connection, sheets: list[Mapping[str, Any]], today: date
                        ) -> dict[str, str]:
    """The 整改状态 of each 用电检查工作单 (JC01) in ``sheets`` that does not state its own:
    无隐患 when it found none, else that of the first 隐患整改通知书 (JC03) of the customer
    dated on or after it — 已整改 when closed (as in :func:`open_hazards`), 逾期 past its
    deadline, else the notice's status — and 未整改 when no notice was filed for it."""
    wanted = [s for s in sheets if s.get("doc_type") == "JC01" and not s.get("hazard_status")
              and s.get("hazard_found") in ("是", "否")]
    found = {s["doc_id"]: NO_HAZARD for s in wanted if s["hazard_found"] == "否"}
    accounts = sorted({s["account_no"] for s in wanted if s["hazard_found"] == "是"
                       and s.get("account_no")})
    if not accounts:
        return found
    notices = _notices(conn, accounts, today)
    for sheet in wanted:
        if sheet["doc_id"] in found:
            continue
        later = [n for n in notices.get(sheet["account_no"], ()) if n[0] >= sheet["doc_date"]]
        found[sheet["doc_id"]] = later[0][1] if later else OPEN_STATUS
    return found


def _notices(conn: Connection, accounts: list[str], today: date
             ) -> dict[str, list[tuple[str, str]]]:
    """Each customer's JC03 notices as (date, status as of ``today``), oldest first."""
    d = documents.c
    open_ids = {r["doc_id"] for r in open_hazards(conn, None, today, accounts)}
    query = (select(d.doc_id, d.account_no, d.doc_date, d.rectify_deadline, d.hazard_status)
             .where(of_accounts(d.account_no, accounts), d.doc_type == "JC03",
                    d.removed_at.is_(None))
             .order_by(d.account_no, d.doc_date))
    notices: dict[str, list[tuple[str, str]]] = {}
    for row in conn.execute(query):
        if row.doc_id not in open_ids:
            status = CLOSED_STATUS
        elif row.rectify_deadline and row.rectify_deadline < today.isoformat():
            status = OVERDUE_STATUS
        else:
            status = row.hazard_status if row.hazard_status != CLOSED_STATUS else OPEN_STATUS
        notices.setdefault(row.account_no, []).append((row.doc_date, status or OPEN_STATUS))
    return notices


def _days_past(deadline: str, today: date) -> int:
    """Days ``today`` is past ``deadline`` (0 if not past or no deadline)."""
    return max((today - date.fromisoformat(deadline)).days, 0) if deadline else 0


def latest_dates(conn: Connection, units: list[str] | None, doc_type: str,
                 as_of: date, accounts: list[str] | None = None) -> dict[str, str]:
    """Each customer's latest date of a ``doc_type`` document dated by ``as_of``."""
    d = documents.c
    query = (select(d.account_no, func.max(d.doc_date))
             .where(documents_of(units, of_accounts(d.account_no, accounts),
                                 d.doc_type == doc_type, d.doc_date != "",
                                 d.doc_date <= as_of.isoformat()))
             .group_by(d.account_no))
    return dict(conn.execute(query).all())


def customer_list(conn: Connection, units: list[str] | None,
                  accounts: list[str] | None = None) -> list[Any]:
    c = customers.c
    return list(conn.execute(
        select(c.account_no, c.name, c.org, c.customer_class, c.volt_level)
        .where(in_units(c.org, units), of_accounts(c.account_no, accounts))
        .order_by(c.account_no)))


def contracts(conn: Connection, rules: Rules, units: list[str] | None, today: date,
              within_days: int | None = None, accounts: list[str] | None = None
              ) -> list[dict[str, Any]]:
    """Customers whose latest contract has expired or expires within ``within_days``."""
    within = rules.expiry_notice_days if within_days is None else within_days
    signed = latest_dates(conn, units, "YK11", today, accounts)
    found = []
    for row in customer_list(conn, units, accounts):
        if row.account_no not in signed:
            continue
        years = rules.contract_years.get(row.customer_class, rules.contract_years.get(""))
        if years is None:
            continue
        expires = add_months(date.fromisoformat(signed[row.account_no]), 12 * years)
        left = (expires - today).days
        if left <= within:
            found.append({"account_no": row.account_no, "customer_name": row.name,
                          "org": row.org, "customer_class": row.customer_class,
                          "doc_date": signed[row.account_no], "expires": expires.isoformat(),
                          "days_left": left, "state": EXPIRED if left < 0 else EXPIRING})
    return sorted(found, key=lambda r: (r["expires"], r["account_no"]))


def inspection_state(conn: Connection, rules: Rules, units: list[str] | None, as_of: date,
                     accounts: list[str] | None = None) -> list[dict[str, Any]]:
    """Every customer needing periodic inspection, with its last one and when the next is due."""
    last = latest_dates(conn, units, "JC01", as_of, accounts)
    connected = latest_dates(conn, units, "YK13", as_of, accounts)
    found = []
    intervals: dict[tuple[str, str], int | None] = {}
    for row in customer_list(conn, units, accounts):
        key = (row.customer_class, row.volt_level)
        if key not in intervals:
            intervals[key] = rules.inspection_months(*key)
        months = intervals[key]
        if months is None:
            continue
        since = last.get(row.account_no) or connected.get(row.account_no)
        due = add_months(date.fromisoformat(since), months) if since else None
        found.append({"account_no": row.account_no, "customer_name": row.name, "org": row.org,
                      "customer_class": row.customer_class, "volt_level": row.volt_level,
                      "interval_months": months,
                      "last_inspection": last.get(row.account_no, NEVER),
                      "due": due.isoformat() if due else "", "overdue": due is None or due < as_of,
                      "days_overdue": (as_of - due).days if due and due < as_of else
                      ("" if due else NEVER)})
    return found


def overdue_inspections(conn: Connection, rules: Rules, units: list[str] | None, today: date
                        ) -> list[dict[str, Any]]:
    return [r for r in inspection_state(conn, rules, units, today) if r["overdue"]]


def late_filings(conn: Connection, rules: Rules, units: list[str] | None,
                 since: date | None = None, until: date | None = None) -> list[dict[str, Any]]:
    """Documents filed more than the filing deadline after their date (filed in the window)."""
    d, filed = documents.c, filed_at()
    gap = days_between(d.doc_date, filed)
    conditions = [d.doc_date != "", gap > rules.filing_days]
    if since is not None:
        conditions.append(filed >= start_of_day(since))
    if until is not None:
        conditions.append(filed <= end_of_day(until))
    query = (select(d.doc_id, d.account_no, d.customer_name, d.org, d.doc_type, d.title,
                    d.doc_date, filed.label("filed_at"), d.path, gap.label("days"))
             .where(documents_of(units, *conditions))
             .order_by(d.org, d.account_no, d.doc_date))
    return [{**{k: v for k, v in row._mapping.items() if k != "filed_at"},
             "filed": row.filed_at.date().isoformat()} for row in conn.execute(query)]


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 29th of February becomes the 28th)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
