"""Handover (移交 → 接收): business staff hand customers' documents to the archive room.

A batch holds every document in the catalog of the chosen customers (of one unit) that is not
already waiting or accepted. Before submission it is checked against the required document
types of each customer's class; submitting with gaps needs a reason. An archivist of the unit
accepts or returns each document (a return needs a reason); once every item is decided the
batch is closed and read-only. A document's status is 未移交 / 待接收 / 已接收 / 退回, and its
accepted date is the filing date.

The required types are those of the archive's completeness rules (``rules.csv``, else the
defaults of DOMAIN.md: :mod:`search_service.archive_room.rules`), as the oversight pages use them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from indexer import doctypes
from indexer.catalog.store import Catalog
from indexer.catalog.tables import customers
from indexer.customers import parse_extra

from search_service.access.audit import DENIED, Event
from search_service.access.policy import (Person, Units, can_decide_for, can_hand_over, role_label,
                                          unit_in_reach)
from search_service.archive_room.holdings import customer_holdings, documents_of
from search_service.archive_room.procedure import Procedure
from search_service.archive_room.rules import Rules, RulesError, load_rules
from search_service.archive_room.tables import handover_batches, handover_items
from search_service.db import serialized
from search_service.errors import ForbiddenError, NotFoundError, QueryError, UnavailableError

NOT_HANDED, PENDING, ACCEPTED, RETURNED = "未移交", "待接收", "已接收", "退回"
OPEN, CLOSED, ALL_RETURNED = "待接收", "已接收", "全部退回"  # a batch's status
MAX_ACCOUNTS = 100


class Handovers(Procedure):
    root: Callable[[], Path | None] = staticmethod(lambda: None)  # where rules.csv is read

    def check(self, user: Person, units: Units, accounts: Iterable[str]) -> dict[str, Any]:
        """What a batch of these customers would hold, and what is missing (nothing written)."""
        if not can_hand_over(user):
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能移交档案")
        accounts = _accounts(accounts)
        with self.engine.connect() as conn:
            return self._assemble(conn, user, units, accounts)

    def submit(self, user: Person, units: Units, accounts: Iterable[str],
               gaps_reason: str = "") -> dict[str, Any]:
        """Hand the documents of ``accounts`` over; gaps need ``gaps_reason``."""
        if not can_hand_over(user):
            self.audit.append(Event.by(user, "handover_submit", outcome=DENIED, reason="role"))
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能移交档案")
        accounts = _accounts(accounts)
        now = self.clock()
        with serialized(self.engine) as conn:
            plan = self._assemble(conn, user, units, accounts)
            if not plan["documents"]:
                raise QueryError("这些客户没有可移交的档案（已全部移交或待接收）")
            if plan["gaps"] and not gaps_reason.strip():
                raise QueryError("资料不齐全，缺少：" + _gap_text(plan["gaps"])
                                 + "。如需先行移交，请填写说明")
            batch_id = conn.execute(insert(handover_batches).values(
                batch_no=f"pending-{now.timestamp()}-{user.name}", org=plan["org"],
                accounts=json.dumps(accounts), submitted_by=user.name, submitted_at=now,
                gaps=json.dumps(plan["gaps"], ensure_ascii=False),
                gaps_reason=gaps_reason.strip(), status=OPEN)).inserted_primary_key[0]
            batch_no = f"YJ-{now:%Y%m%d}-{batch_id:04d}"
            conn.execute(update(handover_batches).where(handover_batches.c.id == batch_id)
                         .values(batch_no=batch_no))
            conn.execute(insert(handover_items), [
                {"batch_id": batch_id, "doc_id": d["doc_id"], "account_no": d["account_no"],
                 "status": PENDING} for d in plan["documents"]])
            Catalog(self.engine).touch([d["doc_id"] for d in plan["documents"]], conn)
            self.audit.append(Event.by(user, "handover_submit", details={
                "batch": batch_no, "accounts": accounts, "documents": len(plan["documents"]),
                "gaps": plan["gaps"]}), conn)
        self.on_catalog_changed()  # the handover status facet
        return self.batch(user, units, batch_id, log=False)

    def decide(self, user: Person, units: Units, batch_id: int,
               verdicts: Mapping[str, tuple[bool, str]]) -> dict[str, Any]:
        """Accept (True) or return (False, with a reason) items; closes a fully decided batch."""
        batch = self._row(batch_id)
        if not can_decide_for(user, units, batch["org"]):
            self.audit.append(Event.by(user, "handover_decide", outcome=DENIED, reason="role",
                                       details={"batch": batch["batch_no"]}))
            raise ForbiddenError("只有该单位的档案管理员可以接收移交")
        if batch["status"] != OPEN:
            raise QueryError(f"移交批次 {batch['batch_no']} 已关闭，不能再修改")
        missing = [doc for doc, (ok, why) in verdicts.items() if not ok and not why.strip()]
        if missing:
            raise QueryError("退回的档案须填写退回理由")
        now = self.clock()
        with serialized(self.engine) as conn:
            pending = {r.doc_id for r in conn.execute(select(handover_items.c.doc_id).where(
                handover_items.c.batch_id == batch_id, handover_items.c.status == PENDING))}
            unknown = [doc for doc in verdicts if doc not in pending]
            if unknown:
                raise QueryError(f"这些档案不在本批待接收的档案中：{'、'.join(unknown[:5])}")
            for doc, (ok, why) in verdicts.items():
                conn.execute(update(handover_items).where(
                    handover_items.c.batch_id == batch_id, handover_items.c.doc_id == doc)
                    .values(status=ACCEPTED if ok else RETURNED, reason=why.strip(),
                            decided_by=user.name, decided_at=now))
            closed = len(pending) == len(verdicts)
            if closed:
                accepted = conn.execute(select(handover_items.c.doc_id).where(
                    handover_items.c.batch_id == batch_id,
                    handover_items.c.status == ACCEPTED).limit(1)).first() is not None
                conn.execute(update(handover_batches).where(handover_batches.c.id == batch_id)
                             .values(status=CLOSED if accepted else ALL_RETURNED,
                                     received_by=user.name, closed_at=now))
            Catalog(self.engine).touch(list(verdicts), conn)
            self.audit.append(Event.by(user, "handover_decide", details={
                "batch": batch["batch_no"], "closed": closed,
                "accepted": sorted(d for d, (ok, _) in verdicts.items() if ok),
                "returned": sorted(d for d, (ok, _) in verdicts.items() if not ok)}), conn)
        self.on_catalog_changed()  # the handover status facet
        return self.batch(user, units, batch_id, log=False)

    def batch(self, user: Person, units: Units, batch_id: int, log: bool = True
              ) -> dict[str, Any]:
        """A batch with its items, if it belongs to the user's units."""
        batch = self._row(batch_id)
        if not unit_in_reach(user, units, batch["org"]) or not can_hand_over(user):
            if log:
                self.audit.append(Event.by(user, "handover_view", outcome=DENIED,
                                           reason="out_of_scope", details={"batch": batch_id}))
            raise NotFoundError(f"没有编号为 {batch_id} 的移交批次")
        with self.engine.connect() as conn:
            items = {r.doc_id: dict(r._mapping) for r in conn.execute(
                select(handover_items).where(handover_items.c.batch_id == batch_id))}
            docs = [{**d, **_item_fields(items[d["doc_id"]])}
                    for d in documents_of(conn, batch["accounts"]) if d["doc_id"] in items]
            customers = customer_holdings(conn, batch["accounts"])
        if log:
            self.audit.append(Event.by(user, "handover_view", details={"batch": batch["batch_no"]}))
        return {**batch, "documents": docs,
                "customers": [{"account_no": a, "label": customers[a].label if a in customers
                               else a} for a in batch["accounts"]],
                "counts": _counts(docs)}

    def batches(self, user: Person, units: Units) -> list[dict[str, Any]]:
        """Batches of the user's units, newest first."""
        if not can_hand_over(user):
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能查看移交")
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(
                select(handover_batches).order_by(handover_batches.c.id.desc()).limit(500))]
        return [_batch_fields(r) for r in rows if unit_in_reach(user, units, r["org"])]

    def statuses(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Each document's handover status and accepted date (未移交 when never handed over)."""
        with self.engine.connect() as conn:
            return handover_statuses(conn, doc_ids)

    def _assemble(self, conn: Connection, user: Person, units: Units,
                  accounts: list[str]) -> dict[str, Any]:
        customers = customer_holdings(conn, accounts)
        missing = [a for a in accounts if a not in customers]
        outside = [a for a in accounts if a in customers
                   and not unit_in_reach(user, units, customers[a].org)]
        if missing or outside:
            raise NotFoundError(f"没有这些客户（或不在您的单位）：{'、'.join(missing + outside)}")
        orgs = {customers[a].org for a in accounts}
        if len(orgs) != 1:
            raise QueryError("一个移交批次只能包含同一供电单位的客户")
        documents = documents_of(conn, accounts)
        busy = {r.doc_id for r in conn.execute(select(handover_items.c.doc_id).where(
            handover_items.c.doc_id.in_([d["doc_id"] for d in documents]),
            handover_items.c.status.in_((PENDING, ACCEPTED))))} if documents else set()
        rules, masters = self._rules(), _masters(conn, accounts)
        gaps = {}
        for account in accounts:
            customer_class, extra = masters.get(account, ("", {}))
            present = {d["doc_type"] for d in documents if d["account_no"] == account}
            lacking = [t for t in rules.required_types(customer_class, present, extra)
                       if t not in present]
            if lacking:
                gaps[account] = lacking
        return {"org": orgs.pop(), "accounts": accounts, "gaps": gaps,
                "gap_names": _gap_names(gaps),
                "documents": [d for d in documents if d["doc_id"] not in busy],
                "already": sorted(busy)}

    def _rules(self) -> Rules:
        try:
            return load_rules(self.root())
        except RulesError as exc:
            raise UnavailableError(f"档案齐全规则有误，无法核对移交资料：{exc}") from exc

    def _row(self, batch_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(handover_batches)
                               .where(handover_batches.c.id == batch_id)).first()
        if row is None:
            raise NotFoundError(f"没有编号为 {batch_id} 的移交批次")
        return _batch_fields(dict(row._mapping))


def _accounts(accounts: Iterable[str]) -> list[str]:
    found = list(dict.fromkeys(a.strip() for a in accounts if a and a.strip()))
    if not found:
        raise QueryError("请至少选择一个客户（户号）")
    if len(found) > MAX_ACCOUNTS:
        raise QueryError(f"一个移交批次最多 {MAX_ACCOUNTS} 个客户")
    return found


def _masters(conn: Connection, accounts: list[str]) -> dict[str, tuple[str, dict[str, str]]]:
    """Each customer's 用户分类 and extra master-data columns (what the rules look at)."""
    query = select(customers.c.account_no, customers.c.customer_class, customers.c.extra).where(
        customers.c.account_no.in_(accounts))
    return {r.account_no: (r.customer_class, parse_extra(r.extra)) for r in conn.execute(query)}


def _gap_names(gaps: dict[str, list[str]]) -> dict[str, list[str]]:
    return {account: [doctypes.name_of(t) or t for t in types] for account, types in gaps.items()}


def _gap_text(gaps: dict[str, list[str]]) -> str:
    return "；".join(f"{account}：{'、'.join(names)}" for account, names in _gap_names(gaps).items())


def _item_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {"handover_status": item["status"], "handover_reason": item["reason"],
            "decided_by": item["decided_by"], "decided_at": item["decided_at"]}


def _batch_fields(row: dict[str, Any]) -> dict[str, Any]:
    gaps = json.loads(row["gaps"])
    return {**row, "accounts": json.loads(row["accounts"]), "gaps": gaps,
            "gap_names": _gap_names(gaps)}


def _counts(docs: list[dict[str, Any]]) -> dict[str, int]:
    return {"documents": len(docs), "pages": sum(d["pages"] or 0 for d in docs),
            "accepted": sum(d["handover_status"] == ACCEPTED for d in docs),
            "returned": sum(d["handover_status"] == RETURNED for d in docs),
            "pending": sum(d["handover_status"] == PENDING for d in docs)}


def handover_statuses(conn: Connection, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each document's handover status and accepted date (未移交 when never handed over)."""
    ids = sorted(set(doc_ids))
    found: dict[str, dict[str, Any]] = {d: {"status": NOT_HANDED, "accepted_at": None}
                                        for d in ids}
    for start in range(0, len(ids), 500):
        query = (select(handover_items.c.doc_id, handover_items.c.status,
                        handover_items.c.decided_at)
                 .where(handover_items.c.doc_id.in_(ids[start:start + 500]))
                 .order_by(handover_items.c.batch_id))
        for row in conn.execute(query):  # the latest batch wins
            found[row.doc_id] = {"status": row.status, "accepted_at": (
                row.decided_at if row.status == ACCEPTED else None)}
    return found
