"""One customer's oversight facts for the customer page, beside the documents: completeness,
periodic inspection, open hazards with their deadlines, contract validity."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from search_service.archive_room.rules import RulesError, load_rules
from search_service.oversight import completeness, followup


def customer_oversight(engine: Engine, root: Path | None, account_no: str,
                       today: date | None = None) -> dict[str, Any] | None:
    """The facts, or None without master data or with a rules file that cannot be used
    (the 档案管理 pages report that)."""
    try:
        rules = load_rules(root)
    except RulesError:
        return None
    today = today or date.today()
    accounts = [account_no]
    with engine.connect() as conn:
        found = completeness.statuses(conn, rules, None, accounts=accounts)
        if not found:
            return None
        inspection = followup.inspection_state(conn, rules, None, today, accounts)
        hazards = followup.open_hazards(conn, None, today, accounts)
        contracts = followup.contracts(conn, rules, None, today, accounts=accounts)
        signed = followup.latest_dates(conn, None, "YK11", today, accounts)
    contract = None
    if account_no in signed:
        years = rules.contract_years.get(found[0].customer_class, rules.contract_years.get(""))
        expires = (followup.add_months(date.fromisoformat(signed[account_no]), 12 * years)
                   if years else None)
        contract = {"signed": signed[account_no],
                    "expires": expires.isoformat() if expires else "",
                    "state": contracts[0]["state"] if contracts else "有效"}
    return {**found[0].to_dict(), "inspection": inspection[0] if inspection else None,
            "hazards": [{"doc_id": h["doc_id"], "doc_date": h["doc_date"],
                         "rectify_deadline": h["rectify_deadline"],
                         "days_overdue": h["days_overdue"]} for h in hazards],
            "contract": contract}
