"""Customer-level oversight values for search facets, computed in bulk per account.

:func:`customer_flags` gives, for each account, the values a search engine record of any of
the customer's documents carries, so "高压 customers of 城东供电所 missing a contract" is one
search:

| key                | facet title      | values                                   |
|--------------------|------------------|------------------------------------------|
| ``complete``       | 资料齐全          | 齐全 / 不齐全 ("" for a document without a known customer) |
| ``missing_types``  | 缺少的档案类别    | list of codes, e.g. ["YK08", "YK09"]     |
| ``hazard_overdue`` | 隐患逾期          | 是 / 否                                   |
| ``contract_state`` | 合同到期          | 已过期 / 即将到期 / 有效 / 无合同          |
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from search_service.archive_room.rules import Rules, load_rules
from search_service.oversight import completeness, followup

FACET_TITLES = {"complete": "资料齐全", "missing_types": "缺少的档案类别",
                "hazard_overdue": "隐患逾期", "contract_state": "合同到期"}
COMPLETE, INCOMPLETE = "齐全", "不齐全"
VALID, NO_CONTRACT = "有效", "无合同"
CHUNK = 500
EMPTY: dict[str, Any] = {"complete": "", "missing_types": [], "hazard_overdue": "",
                         "contract_state": ""}


def customer_flags(engine: Engine, accounts: Iterable[str], root: Path | None = None,
                   today: date | None = None, rules: Rules | None = None
                   ) -> dict[str, dict[str, Any]]:
    """The facet values of each of ``accounts`` known to the master data (others: absent)."""
    rules = rules or load_rules(root)
    today = today or date.today()
    wanted = sorted({a for a in accounts if a})
    found: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            overdue = {r["account_no"] for r in followup.overdue_hazards(conn, None, today, chunk)}
            contracts = {r["account_no"]: r["state"] for r in followup.contracts(
                conn, rules, None, today, accounts=chunk)}
            signed = followup.latest_dates(conn, None, "YK11", today, chunk)
            for status in completeness.statuses(conn, rules, None, accounts=chunk):
                account = status.account_no
                found[account] = {
                    "complete": COMPLETE if status.complete else INCOMPLETE,
                    "missing_types": list(status.missing),
                    "hazard_overdue": "是" if account in overdue else "否",
                    "contract_state": contracts.get(account)
                    or (VALID if account in signed else NO_CONTRACT),
                }
    return found
