"""Search fields derived from more than a document's own catalog row.

- from the completeness rules (``search_service.oversight``), per customer: 资料齐全, the
  missing document types, an overdue hazard, the contract's state;
- from the archive room, per document: its handover status (未移交 / 待接收 / 已接收 / 退回);
- from the customer's later notices, per 用电检查工作单 that does not state one: its 整改状态
  (:func:`search_service.oversight.followup.inspection_statuses`; a record field the
  derivation fills, :data:`search_service.engines.projection.FILLED_FIELDS`).

They change when any document of the customer changes, when the archive room decides a
handover, and with the date (a deadline passes, a contract expires), so
:func:`indexer.sync.catch_up` re-projects every document of a customer whose
documents changed, and every document on the first catch-up of a new day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

# The columns of a catalog row a derivation reads.
ROW_FIELDS = ("doc_id", "account_no", "doc_type", "doc_date", "hazard_found", "hazard_status")


@dataclass(frozen=True)
class Derivation:
    """How to derive the fields of a chunk of catalog rows, as of ``today``."""

    db: Engine
    root: Path | None = None
    today: date | None = None

    @property
    def day(self) -> str:
        return (self.today or date.today()).isoformat()

    @cached_property
    def _rules(self) -> Any:
        """The archive's completeness rules, read once per derivation (None: an invalid
        rules.csv, so no completeness facets until it is fixed)."""
        from search_service.archive_room.rules import RulesError, load_rules

        try:
            return load_rules(self.root)
        except RulesError:
            return None

    def of(self, rows: Sequence[Mapping[str, Any]],
           known: dict[str, Mapping[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
        """The derived fields of each row, by ``doc_id``. ``known``: the customer fields
        derived earlier in the same run, by account (read, and filled with the new ones), so
        a run derives each customer once however its documents fall into chunks."""
        from search_service.archive_room.handover import handover_statuses
        from search_service.oversight.flags import EMPTY
        from search_service.oversight.followup import inspection_statuses

        flags = {} if known is None else known
        wanted = {r["account_no"] for r in rows} - flags.keys()
        if wanted:
            derived = self._customer_flags(wanted)
            flags.update({account: derived.get(account, EMPTY) for account in wanted})
        with self.db.connect() as conn:
            handed = handover_statuses(conn, [r["doc_id"] for r in rows])
            inspected = inspection_statuses(conn, list(rows), self.today or date.today())
        return {r["doc_id"]: {**flags[r["account_no"]],
                              "handover_status": handed[r["doc_id"]]["status"],
                              "hazard_status": inspected.get(r["doc_id"], "")}
                for r in rows}

    def _customer_flags(self, accounts: set[str]) -> dict[str, dict[str, Any]]:
        """The completeness fields of the customers of ``accounts`` (absent: not in the
        master data, or no valid rules)."""
        from search_service.oversight.flags import customer_flags

        if self._rules is None:
            return {}
        return customer_flags(self.db, accounts, self.root, self.today or date.today(),
                              self._rules)
