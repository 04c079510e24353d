"""Retention appraisal (鉴定) and disposal (销毁) with a register (销毁清册).

A document's period (保管期限 ``Y``/永久, ``D30``/30年, ``D10``/10年) runs from the first of
January after its date (形成日期); when it has ended the document is listed for appraisal.
An archivist of its unit proposes disposal with a reason; a second archivist (not the
proposer) approves it or keeps the document. A disposed document leaves the search (every
scope excludes it) but its catalog row and its register entry stay.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update

from indexer.catalog.store import Catalog
from indexer.catalog.tables import documents
from indexer.schema import STATUS_OK
from search_service.access.audit import DENIED, Event
from search_service.access.policy import (Person, Units, can_decide_for, can_keep_archive_room,
                                          unit_in_reach)
from search_service.archive_room.holdings import DOCUMENT_FIELDS, document_record
from search_service.archive_room.procedure import Procedure
from search_service.archive_room.tables import disposals
from search_service.db import serialized
from search_service.errors import ForbiddenError, NotFoundError, QueryError

PERMANENT = frozenset({"Y", "永久"})
STATUS_LABELS = {"proposed": "待审批", "disposed": "已销毁", "kept": "继续保存"}
_YEARS = re.compile(r"(\d{1,3})")


def period_years(retention: str) -> int | None:
    """Years of a retention code or name (``D30``, ``30年``); None: permanent or unknown."""
    text = (retention or "").strip().upper()
    if not text or text in PERMANENT:
        return None
    found = _YEARS.search(text)
    return int(found.group(1)) if found else None


def expires_on(doc_date: str, retention: str) -> date | None:
    """The first day after the period (counted from 1 January after the document's year)."""
    years = period_years(retention)
    if years is None or len(doc_date) < 4 or not doc_date[:4].isdigit():
        return None
    return date(int(doc_date[:4]) + 1 + years, 1, 1)


class Retention(Procedure):
    """Appraisal and disposal (a disposal marks the catalog record, see ``Catalog.dispose``)."""

    def due(self, user: Person, units: Units) -> list[dict[str, Any]]:
        """Documents in the archivist's units whose period has ended, not yet disposed."""
        self._require(user, "disposal_register")
        today = self.clock().date()
        columns = [documents.c[name] for name in DOCUMENT_FIELDS]
        query = (select(*columns).where(documents.c.removed_at.is_(None),
                                        documents.c.status == STATUS_OK,
                                        documents.c.retention != "")
                 .order_by(documents.c.doc_date, documents.c.path))
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
            open_cases = {r.doc_id: dict(r._mapping) for r in conn.execute(
                select(disposals).where(disposals.c.status.in_(("proposed", "disposed"))))}
        found = []
        for row in rows:
            ends = expires_on(row["doc_date"], row["retention"])
            if ends is None or ends > today or not unit_in_reach(user, units, row["org"]):
                continue
            case = open_cases.get(row["doc_id"])
            if case is not None and case["status"] == "disposed":
                continue
            found.append({**row, "expired_on": ends.isoformat(),
                          "case": _public(case) if case else None})
        return found

    def propose(self, user: Person, units: Units, doc_id: str, reason: str) -> dict[str, Any]:
        self._require(user, "disposal_propose")
        if not reason.strip():
            raise QueryError("提出销毁时请填写鉴定意见")
        with self.engine.connect() as conn:
            record = document_record(conn, doc_id)
        if record is None:
            raise NotFoundError(f"没有编号为“{doc_id}”的档案")
        self._require(user, "disposal_propose", record["org"], units)
        ends = expires_on(record["doc_date"], record["retention"])
        if ends is None or ends > self.clock().date():
            raise QueryError("该档案的保管期限尚未届满，不能提出销毁")
        with serialized(self.engine) as conn:
            if conn.execute(select(disposals.c.id).where(
                    disposals.c.doc_id == doc_id,
                    disposals.c.status.in_(("proposed", "disposed")))).first():
                raise QueryError("该档案已有销毁申请")
            case_id = conn.execute(insert(disposals).values(
                doc_id=doc_id, org=record["org"], status="proposed", reason=reason.strip(),
                proposed_by=user.name, proposed_at=self.clock(),
                record=json.dumps({**record, "expired_on": ends.isoformat()},
                                  ensure_ascii=False))).inserted_primary_key[0]
            self.audit.append(Event.by(user, "disposal_propose", target_doc=doc_id,
                                       target_account=record["account_no"],
                                       details={"case": case_id, "reason": reason.strip()}), conn)
        return self.case(case_id)

    def decide(self, user: Person, units: Units, case_id: int, approve: bool,
               reason: str = "") -> dict[str, Any]:
        """A second archivist approves disposal or keeps the document."""
        case = self.case(case_id)
        self._require(user, "disposal_decide", case["org"], units)
        if case["proposed_by"] == user.name:
            self.audit.append(Event.by(user, "disposal_decide", outcome=DENIED,
                                       reason="same_person", target_doc=case["doc_id"],
                                       details={"case": case_id}))
            raise ForbiddenError("销毁须由提出人以外的另一位档案管理员审批")
        with serialized(self.engine) as conn:
            current = conn.execute(select(disposals.c.status).where(disposals.c.id == case_id)
                                   .with_for_update()).scalar_one()
            if current != "proposed":
                raise QueryError(f"该销毁申请已处理（{STATUS_LABELS[current]}）")
            conn.execute(update(disposals).where(disposals.c.id == case_id).values(
                status="disposed" if approve else "kept", decided_by=user.name,
                decided_at=self.clock(), reason=_joined(case["reason"], reason)))
            if approve:  # the catalog's record says so; engines drop it on catching up
                Catalog(self.engine).dispose([case["doc_id"]], conn)
            self.audit.append(Event.by(user, "disposal_decide", target_doc=case["doc_id"],
                                       details={"case": case_id, "disposed": approve,
                                                "reason": reason.strip()}), conn)
        if approve:
            self.on_catalog_changed()
        return self.case(case_id)

    def register(self, user: Person, units: Units) -> list[dict[str, Any]]:
        """The disposal register (销毁清册): every case of the archivist's units."""
        self._require(user, "disposal_register")
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(
                select(disposals).order_by(disposals.c.id))]
        found = [_public(r) for r in rows if unit_in_reach(user, units, r["org"])]
        self.audit.append(Event.by(user, "disposal_register", details={"count": len(found)}))
        return found

    def case(self, case_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(disposals).where(disposals.c.id == case_id)).first()
        if row is None:
            raise NotFoundError(f"没有编号为 {case_id} 的销毁申请")
        return _public(dict(row._mapping))

    def _require(self, user: Person, action: str, org: str | None = None,
                 units: Units | None = None) -> None:
        allowed = (can_keep_archive_room(user) if org is None
                   else units is not None and can_decide_for(user, units, org))
        if not allowed:
            self.audit.append(Event.by(user, action, outcome=DENIED, reason="role"))
            raise ForbiddenError("只有所属单位的档案管理员可以进行档案鉴定和销毁")


def _joined(first: str, second: str) -> str:
    return f"{first}；审批意见：{second.strip()}" if second.strip() else first


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "record": json.loads(row["record"] or "{}"),
            "status_label": STATUS_LABELS.get(row["status"], row["status"])}
