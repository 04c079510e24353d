"""Lending (借阅): request, approval by the owning unit's archivist, use, return, expiry.

A loan names customers (户号) or documents of one unit, a purpose, a period of 7 to 30 days,
and whether originals (unmasked) and the paper file are lent. A request may name items of
several units, or items that do not exist: it becomes one loan per owning unit, items not
found going to the requester's own unit (whose archivists see them as such and refuse), and
the requester gets the same answer in every case: what they typed, pending, no unit, no names
(no existence oracle; the ``loan_request`` record tells auditors the truth).

While approved and within its period a loan is a grant: :meth:`Lending.grants_for` returns
what it names, and the search adds that to the borrower's scope (as data, inside the query),
so counts and facets stay honest.
At the end of the period the grant ends by itself; a renewal is a new request that must be
approved again. Every request, decision, return and expiry is one access-log record; reads
made through a grant carry the loan's number in their own record.

    pending 待审批 → approved 借出中 → returned 已归还 | expired 已到期 | overdue 逾期未还
                   → refused 已拒绝
``overdue``: the period ended while the paper file is still out; a return closes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, insert, or_, select, update
from sqlalchemy.engine import Connection

from search_service.access.alerts import Alert
from search_service.access.audit import DENIED, AuditLog, Event, iso
from search_service.access.cache_versions import GRANTS, VersionedCache, bump
from search_service.access.policy import (DEFAULT_CITY, Person, Units, can_decide_for,
                                          can_keep_archive_room, can_read_audit,
                                          can_read_loan_register, can_request_loan, role_label,
                                          unit_in_reach)
from search_service.archive_room import paper
from search_service.archive_room.holdings import (Holding, customer_holdings,
                                                  document_holdings)
from search_service.archive_room.procedure import Procedure
from search_service.archive_room.tables import loan_items, loans
from search_service.db import serialized, utcnow
from search_service.errors import ForbiddenError, NotFoundError, QueryError

PURPOSES = ("业务办理", "用电检查", "法律纠纷", "审计核查", "统计分析", "其他")
MIN_DAYS, MAX_DAYS = 7, 30
MAX_ITEMS = 200
STATUS_LABELS = {"pending": "待审批", "approved": "借出中", "refused": "已拒绝",
                 "returned": "已归还", "expired": "已到期", "overdue": "逾期未还"}
OPEN, CLOSED = ("pending", "approved", "overdue"), ("refused", "returned", "expired")
ACCOUNT_FORMAT = re.compile(r"[0-9A-Za-z]{1,32}")
DOC_ID_FORMAT = re.compile(r"[0-9a-f]{16}")
NOT_FOUND_LABELS = {"account": "（未找到该户号）", "doc": "（未找到该文档）"}
NO_UNIT_LABEL = "（无所属供电单位）"


@dataclass(frozen=True)
class LoanRequest:
    accounts: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    purpose: str = ""
    purpose_text: str = ""
    days: int = MIN_DAYS
    original: bool = False
    paper: bool = False


@dataclass(frozen=True)
class Grants:
    """What a user's approved loans name right now, each with the loan that grants it."""

    accounts: dict[str, int] = field(default_factory=dict)
    doc_ids: dict[str, int] = field(default_factory=dict)
    originals: frozenset[int] = frozenset()  # loans lending unmasked originals

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        """``accounts, doc_ids = grants`` (as the search's Scope takes them)."""
        yield tuple(sorted(self.accounts))
        yield tuple(sorted(self.doc_ids))

    def loan_for(self, doc_id: str, account_no: str) -> int | None:
        """The loan granting this document (by id, else by its customer), or None."""
        return self.doc_ids.get(doc_id) or self.accounts.get(account_no or "\0")

    def original(self, doc_id: str, account_no: str) -> int | None:
        """The loan lending this document's unmasked original, or None."""
        loan = self.loan_for(doc_id, account_no)
        return loan if loan in self.originals else None


class Lending(Procedure):
    def __init__(self, engine: Engine, audit: AuditLog,
                 clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__(engine, audit, clock)
        # Each borrower's grants, kept until a loan is approved, returned or expired in any
        # process (the counter they bump), or until a loan of theirs starts or ends.
        self.grants_cache: VersionedCache[Grants] = VersionedCache(engine, GRANTS)

    # --- the borrower ----------------------------------------------------------------------

    def request(self, user: Person, units: Units, wanted: LoanRequest,
                renewal_of: int | None = None) -> dict[str, Any]:
        """Record a request for what ``wanted`` names: one loan per owning unit, items not
        found (or of no unit) routed to the requester's own unit; answered as the requester
        sees it, the same whether the items exist, are theirs or another unit's."""
        if not can_request_loan(user):
            self._refuse(user, "loan_request", f"您的角色（{role_label(user.role)}）不能申请借阅")
        _check(wanted)
        now = self.clock()
        with serialized(self.engine) as conn:
            holdings = _holdings(conn, wanted)
            parts: dict[int, str] = {}
            for org, items in _route(holdings, _home_unit(user, units)).items():
                loan_id = conn.execute(insert(loans).values(
                    requester=user.name, requester_role=user.role, requester_org=user.org,
                    org=org, purpose=wanted.purpose, purpose_text=wanted.purpose_text.strip(),
                    days=wanted.days, original=wanted.original, paper=wanted.paper,
                    status="pending", requested_at=now, renewal_of=renewal_of,
                    request_no=next(iter(parts), None),
                )).inserted_primary_key[0]
                conn.execute(insert(loan_items), [
                    {"loan_id": loan_id, "kind": h.kind, "value": h.value, "label": h.label}
                    for h in items])
                parts[loan_id] = org
            request_no = next(iter(parts))
            self.audit.append(Event.by(user, "loan_renew" if renewal_of else "loan_request",
                                       target_doc=_single(wanted.doc_ids),
                                       target_account=_single(wanted.accounts),
                                       details=_facts(request_no, wanted, parts, holdings)), conn)
        return self._as_seen_by_requester(user, self._loan(request_no)) or {}

    def renew(self, user: Person, units: Units, loan_id: int, days: int) -> dict[str, Any]:
        """Ask for the same again, continuing this loan: approval is needed again."""
        loan = self._loan(loan_id)
        if self._as_seen_by_requester(user, loan) is None:
            raise NotFoundError(f"没有编号为 {loan_id} 的借阅")
        if loan["status"] != "approved":
            raise QueryError("只有借出中的借阅可以续借")
        items = loan["items"]
        return self.request(user, units, LoanRequest(
            accounts=tuple(i["value"] for i in items if i["kind"] == "account"),
            doc_ids=tuple(i["value"] for i in items if i["kind"] == "doc"),
            purpose=loan["purpose"], purpose_text=loan["purpose_text"], days=days,
            original=loan["original"], paper=False), renewal_of=loan_id)

    def mine(self, user: Person) -> list[dict[str, Any]]:
        """The user's own loans, newest first."""
        if not can_request_loan(user):
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能借阅档案")
        self.expire_due()
        return _for_requester(self._list(loans.c.requester == user.name))

    # --- the archivist ---------------------------------------------------------------------

    def decide(self, user: Person, units: Units, loan_id: int, approve: bool,
               reason: str = "") -> dict[str, Any]:
        """Approve or refuse a pending loan (an archivist of the owning unit, not the borrower)."""
        action = "loan_approve" if approve else "loan_refuse"
        loan = self._loan(loan_id)
        if not can_decide_for(user, units, loan["org"]) or loan["requester"] == user.name:
            self._refuse(user, action, "只有所属单位的档案管理员可以审批借阅（不能审批本人的申请）",
                         loan=loan_id)
        if not approve and not reason.strip():
            raise QueryError("拒绝借阅时请填写理由")
        now = self.clock()
        with serialized(self.engine) as conn:
            current = conn.execute(select(loans).where(loans.c.id == loan_id)
                                   .with_for_update()).one()
            if current.status != "pending":
                raise QueryError(f"该借阅已处理（{STATUS_LABELS[current.status]}）")
            values: dict[str, Any] = {"status": "approved" if approve else "refused",
                                      "decided_by": user.name, "decided_at": now,
                                      "reason": reason.strip()}
            if approve:
                _check_held(conn, loan)
                values["starts_at"] = self._start(conn, current, now)
                values["due_at"] = values["starts_at"] + timedelta(days=current.days)
                if current.paper:
                    paper.lend_out(conn, _accounts_of(loan), loan_id, now)
            conn.execute(update(loans).where(loans.c.id == loan_id).values(**values))
            bump(conn, GRANTS)
            self.audit.append(Event.by(user, action, reason=reason.strip()[:256],
                                       details={"loan": loan_id, "requester": loan["requester"]}),
                              conn)
        return self._loan(loan_id)

    def end(self, user: Person, units: Units, loan_id: int) -> dict[str, Any]:
        """Return a loan (the borrower, or an archivist of its unit); paper comes back in."""
        loan = self._loan(loan_id)
        allowed = (self._as_seen_by_requester(user, loan) is not None
                   if loan["requester"] == user.name else can_decide_for(user, units, loan["org"]))
        if not allowed:
            raise NotFoundError(f"没有编号为 {loan_id} 的借阅")
        if loan["status"] not in ("approved", "overdue"):
            raise QueryError(f"该借阅不在借出中（{STATUS_LABELS[loan['status']]}）")
        now = self.clock()
        with serialized(self.engine) as conn:
            conn.execute(update(loans).where(loans.c.id == loan_id).values(
                status="returned", ended_at=now, ended_by=user.name))
            paper.bring_back(conn, loan_id)
            bump(conn, GRANTS)
            self.audit.append(Event.by(user, "loan_return", details={
                "loan": loan_id, "requester": loan["requester"]}), conn)
        return self._loan(loan_id)

    def register(self, user: Person, units: Units, status: str = "") -> list[dict[str, Any]]:
        """The loan register (借阅登记簿): loans of the archivist's units (auditors: all), but
        not the archivist's own requests (they see those as any requester does, in ``mine``)."""
        if not can_read_loan_register(user):
            self._refuse(user, "loan_register", "只有档案管理员和审计员可以查看借阅登记簿")
        self.expire_due()
        condition = loans.c.status == status if status else None
        found = [loan for loan in self._list(condition)
                 if loan["requester"] != user.name
                 and (can_read_audit(user) or unit_in_reach(user, units, loan["org"]))]
        self.audit.append(Event.by(user, "loan_register",
                                   details={"status": status, "count": len(found)}))
        return found

    # --- the grant -------------------------------------------------------------------------

    def grants_for(self, user: Person, now: datetime | None = None) -> Grants:
        """What ``user``'s approved loans name at ``now`` (default: the clock); loans whose
        period is over are ended first (their records written at the first read after).
        Kept per borrower (:attr:`grants_cache`): a request reads one counter, not the loans,
        and not even that when the user's sign-in check read it (``User.grants_version``)."""
        now = now or self.clock()
        return self.grants_cache.get(user.name, now, lambda: self._read_grants(user, now),
                                     getattr(user, "grants_version", None))

    def _read_grants(self, user: Person, now: datetime) -> tuple[Grants, datetime | None]:
        """``user``'s grants at ``now`` and when they next change by themselves (a loan of
        theirs ending, or a renewal starting), from the database."""
        self.expire_due(now)
        query = (select(loans.c.id, loans.c.original, loans.c.starts_at, loans.c.due_at,
                        loan_items.c.kind, loan_items.c.value)
                 .join(loan_items, loan_items.c.loan_id == loans.c.id)
                 .where(loans.c.requester == user.name, loans.c.status == "approved",
                        loans.c.due_at > now)
                 .order_by(loans.c.id))
        accounts: dict[str, int] = {}
        doc_ids: dict[str, int] = {}
        originals: set[int] = set()
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            if row.starts_at > now:  # a renewal waiting for its start
                continue
            (accounts if row.kind == "account" else doc_ids)[row.value] = row.id
            if row.original:
                originals.add(row.id)
        changes = [row.starts_at if row.starts_at > now else row.due_at for row in rows]
        return Grants(accounts, doc_ids, frozenset(originals)), min(changes, default=None)

    def expire_due(self, now: datetime | None = None) -> int:
        """End every approved loan whose period is over (one record each); returns how many."""
        now = now or self.clock()
        due = and_(loans.c.status == "approved", loans.c.due_at <= now)
        with self.engine.connect() as conn:
            if conn.execute(select(loans.c.id).where(due).limit(1)).first() is None:
                return 0
        with serialized(self.engine) as conn:
            rows = conn.execute(select(loans).where(due).with_for_update()).all()
            for row in rows:
                out = paper.is_out(conn, row.id)
                conn.execute(update(loans).where(loans.c.id == row.id).values(
                    status="overdue" if out else "expired",
                    ended_at=None if out else row.due_at, ended_by="" if out else "system"))
                self.audit.append(Event(
                    "loan_expire", row.requester, row.requester_role, row.requester_org,
                    reason="period_ended", details={"loan": row.id, "paper_out": out,
                                                    "due_at": iso(row.due_at), "by": "system"}),
                    conn)
            if rows:
                bump(conn, GRANTS)
        return len(rows)

    def overdue(self) -> list[dict[str, Any]]:
        """Loans whose period ended with the paper file still out."""
        self.expire_due()
        return self._list(loans.c.status == "overdue")

    def overdue_alerts(self) -> list[Alert]:
        """Overdue loans as alerts of the auditor's list (newest due date first)."""
        now = self.clock()
        return [Alert("overdue_loan", loan["requester"], iso(loan["due_at"]), iso(now),
                      (now - loan["due_at"]).days, (), f"借阅第 {loan['id']} 号（{loan['org']}）"
                      f"已于 {iso(loan['due_at'])[:10]} 到期，实体档案尚未归还")
                for loan in sorted(self.overdue(), key=lambda x: x["due_at"], reverse=True)]

    # --- reading ---------------------------------------------------------------------------

    def get(self, user: Person, units: Units, loan_id: int) -> dict[str, Any]:
        """One loan: for its requester as they see it (an archivist's own request too), for
        the auditors and the archivists of its unit whole."""
        loan = self._loan(loan_id)
        if loan["requester"] == user.name:
            seen = self._as_seen_by_requester(user, loan)
        else:
            seen = loan if can_read_audit(user) or can_decide_for(user, units, loan["org"]) \
                else None
        if seen is None:
            raise NotFoundError(f"没有编号为 {loan_id} 的借阅")
        return seen

    def pending_for(self, user: Person, units: Units) -> list[dict[str, Any]]:
        """Requests waiting for this archivist's decision."""
        if not can_keep_archive_room(user):
            raise ForbiddenError("只有档案管理员审批借阅")
        return [loan for loan in self._list(loans.c.status == "pending")
                if can_decide_for(user, units, loan["org"]) and loan["requester"] != user.name]

    def _as_seen_by_requester(self, user: Person, loan: dict[str, Any]) -> dict[str, Any] | None:
        """``loan`` (as :meth:`_loan` reads it) as its requester sees it (see
        :func:`_for_requester`), or None when it is not ``user``'s or is a pending part
        shown under another number."""
        if loan["requester"] != user.name:
            return None
        request_no = loan["request_no"] or loan["id"]
        parts = self._list(and_(loans.c.requester == user.name, or_(
            loans.c.id == request_no, loans.c.request_no == request_no)))
        return next((row for row in _for_requester(parts) if row["id"] == loan["id"]), None)

    def _loan(self, loan_id: int) -> dict[str, Any]:
        found = self._list(loans.c.id == loan_id)
        if not found:
            raise NotFoundError(f"没有编号为 {loan_id} 的借阅")
        return found[0]

    def _list(self, condition: Any = None) -> list[dict[str, Any]]:
        query = select(loans).order_by(loans.c.id.desc())
        if condition is not None:
            query = query.where(condition)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
            ids = [r["id"] for r in rows]
            items: dict[int, list[dict[str, Any]]] = {}
            for start in range(0, len(ids), 500):
                for item in conn.execute(select(loan_items).where(
                        loan_items.c.loan_id.in_(ids[start:start + 500]))
                        .order_by(loan_items.c.kind, loan_items.c.value)):
                    items.setdefault(item.loan_id, []).append(dict(item._mapping))
        return [_public(row, items.get(row["id"], []), self.clock()) for row in rows]

    def _start(self, conn: Connection, loan: Any, now: datetime) -> datetime:
        """A renewal starts where the loan it continues ends (if that one is still running)."""
        if loan.renewal_of is None:
            return now
        previous = conn.execute(select(loans.c.status, loans.c.due_at)
                                .where(loans.c.id == loan.renewal_of)).one()
        return max(now, previous.due_at) if previous.status == "approved" else now

    def _refuse(self, user: Person, action: str, message: str, **details: Any) -> None:
        self.audit.append(Event.by(user, action, outcome=DENIED, reason="role", details=details))
        raise ForbiddenError(message)


def _check(wanted: LoanRequest) -> None:
    if not wanted.accounts and not wanted.doc_ids:
        raise QueryError("请至少选择一个客户或一份档案")
    if len(wanted.accounts) + len(wanted.doc_ids) > MAX_ITEMS:
        raise QueryError(f"一次最多借阅 {MAX_ITEMS} 项")
    bad = [a for a in wanted.accounts if not ACCOUNT_FORMAT.fullmatch(a)]
    if bad:
        raise QueryError(f"户号只能由字母和数字组成（至多 32 位）：{bad[0][:32]}")
    bad = [d for d in wanted.doc_ids if not DOC_ID_FORMAT.fullmatch(d)]
    if bad:
        raise QueryError(f"档案编号应为 16 位十六进制：{bad[0][:32]}")
    if wanted.purpose not in PURPOSES:
        raise QueryError(f"借阅目的须为：{'、'.join(PURPOSES)}")
    if wanted.purpose == "其他" and not wanted.purpose_text.strip():
        raise QueryError("借阅目的为“其他”时请说明用途")
    if not MIN_DAYS <= wanted.days <= MAX_DAYS:
        raise QueryError(f"借阅期限须为 {MIN_DAYS} 至 {MAX_DAYS} 天")


def _holdings(conn: Connection, wanted: LoanRequest) -> list[Holding]:
    """Every item named, in the order typed: one not in the catalog has no unit and a label
    saying so, one of no unit says that (only archivists see labels before approval)."""
    customers = customer_holdings(conn, wanted.accounts)
    docs = document_holdings(conn, wanted.doc_ids)
    named = [("account", a, customers.get(a)) for a in dict.fromkeys(wanted.accounts)] + \
        [("doc", d, docs.get(d)) for d in dict.fromkeys(wanted.doc_ids)]
    return [Holding(kind, value, "", value + NOT_FOUND_LABELS[kind]) if found is None
            else found if found.org else replace(found, label=found.label + NO_UNIT_LABEL)
            for kind, value, found in named]


def _home_unit(user: Person, units: Units) -> str:
    """Where a requester's items not found go: their unit, else the top of the unit tree."""
    roots = units.roots()
    return user.org or (roots[0] if roots else DEFAULT_CITY)


def _route(holdings: list[Holding], home: str) -> dict[str, list[Holding]]:
    """The items by the unit whose archivists decide them: the owning unit, else ``home``."""
    parts: dict[str, list[Holding]] = {}
    for holding in holdings:
        parts.setdefault(holding.org or home, []).append(holding)
    return parts


def _check_held(conn: Connection, loan: dict[str, Any]) -> None:
    """Only what the loan's unit holds now may be lent (an item not found, of no unit or
    moved away can only be refused): else a grant could reach another unit's records."""
    held = {**customer_holdings(conn, _accounts_of(loan)),
            **document_holdings(conn, [i["value"] for i in loan["items"] if i["kind"] == "doc"])}
    stray = [i["value"] for i in loan["items"]
             if i["value"] not in held or held[i["value"]].org != loan["org"]]
    if stray:
        raise QueryError(f"以下户号或档案未找到或不属于{loan['org']}，只能拒绝（请填写理由）："
                         f"{'、'.join(stray[:10])}")


def _facts(request_no: int, wanted: LoanRequest, parts: dict[int, str],
           holdings: list[Holding]) -> dict[str, Any]:
    """The request as auditors need it: each loan's unit and what was not found."""
    return {"loan": request_no, "loans": [{"loan": k, "org": v} for k, v in parts.items()],
            "not_found": [h.value for h in holdings if not h.org],
            "accounts": list(wanted.accounts), "doc_ids": list(wanted.doc_ids),
            "purpose": wanted.purpose, "days": wanted.days, "original": wanted.original,
            "paper": wanted.paper}


def _single(values: Iterable[str]) -> str:
    values = list(values)
    return values[0] if len(values) == 1 else ""


def _accounts_of(loan: dict[str, Any]) -> list[str]:
    return [i["value"] for i in loan["items"] if i["kind"] == "account"]


def _for_requester(own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A requester's loans as they see them, newest first: the pending loans of one request
    as one row (under the lowest number), so how it was split by unit does not show before
    a decision; each decided loan on its own row."""
    rows: list[dict[str, Any]] = []
    pending: dict[int, list[dict[str, Any]]] = {}
    for loan in own:
        if loan["status"] == "pending":
            pending.setdefault(loan["request_no"] or loan["id"], []).append(loan)
        else:
            rows.append(_as_requested(loan))
    for parts in pending.values():
        first = min(parts, key=lambda loan: loan["id"])
        items = sorted((i for part in parts for i in part["items"]),
                       key=lambda i: (i["kind"], i["value"]))
        rows.append(_as_requested({**first, "items": items}))
    return sorted(rows, key=lambda row: row["id"], reverse=True)


def _as_requested(loan: dict[str, Any]) -> dict[str, Any]:
    """A loan as its requester sees it: until approved, what they typed (户号 or document id,
    no names), with no owning unit and no archivist; after a refusal, only the reason."""
    shown = {key: value for key, value in loan.items() if key != "request_no"}
    if loan["status"] in ("pending", "refused"):
        return {**shown, "org": "", "decided_by": "",
                "items": [{"kind": i["kind"], "value": i["value"], "label": i["value"]}
                          for i in loan["items"]]}
    return shown


def _public(row: dict[str, Any], items: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    late = row["status"] == "overdue" or (row["status"] == "approved" and row["due_at"] is not None
                                          and row["due_at"] <= now)
    return {**row, "items": items, "status_label": STATUS_LABELS[row["status"]],
            "overdue": late, "open": row["status"] in OPEN}
