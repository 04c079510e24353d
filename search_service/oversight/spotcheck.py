"""Spot checks (抽查): a reproducible sample of a unit's customers and a checklist for each.

A spot check draws N customers of a unit (and the units below it) with a recorded seed,
optionally stratified by 用户分类 (proportional allocation, largest remainder); the same
customers, seed and stratification always give the same sample. Each sampled customer gets
automatic items, judged from the catalog when the check is drawn, and manual items an
inspector marks 合格/不合格 with a note. Finishing needs every manual item marked and makes
the check read-only; finished checks count in their unit's assessment (抽查合格率).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (Boolean, Column, Connection, ForeignKey, Integer, String, Table, Text,
                        UniqueConstraint, and_, cast, func, insert, or_, select, update)

from indexer.catalog.tables import customers, documents
from search_service.archive_room.rules import Rules
from search_service.db import Base, UTCDateTime, utcnow
from search_service.errors import NotFoundError, QueryError
from search_service.oversight.completeness import statuses
from search_service.oversight.sql import documents_of, end_of_day, in_units, start_of_day

PASS, FAIL, NOT_APPLICABLE, PENDING = "合格", "不合格", "不适用", ""
RESULTS = (PASS, FAIL)
MAX_SIZE = 500


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    automatic: bool


ITEMS = (
    Item("documents", "资料齐全（按规则）", True),
    Item("inspection_sheet", "已签字的用电检查工作单", True),
    Item("binding", "装订规范", False),
    Item("signatures", "签字完整", False),
    Item("consistency", "信息一致", False),
)
ITEM_BY_KEY = {item.key: item for item in ITEMS}
SIGNED_WORDS = ("签字", "签名", "签章")

spot_checks = Table(
    "spot_checks", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org", String(128), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("stratified", Boolean, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_by", String(64), nullable=False, default=""),
    Column("finished_at", UTCDateTime, nullable=True, index=True),
)

spot_check_items = Table(
    "spot_check_items", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("check_id", Integer, ForeignKey("spot_checks.id"), nullable=False, index=True),
    Column("account_no", String(32), nullable=False),
    Column("org", String(128), nullable=False),
    Column("item", String(32), nullable=False),
    Column("result", String(8), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("updated_by", String(64), nullable=False, default=""),
    Column("updated_at", UTCDateTime, nullable=True),
    UniqueConstraint("check_id", "account_no", "item"),
)


class SpotCheckClosedError(QueryError):
    code = "spot_check_finished"
    status = 409


def draw_sample(accounts: Sequence[tuple[str, str]], size: int, seed: int,
                stratified: bool) -> list[str]:
    """``size`` account numbers out of ``(account_no, class)`` pairs, reproducibly."""
    rng = random.Random(seed)
    ordered = sorted(accounts)
    if size >= len(ordered):
        return [a for a, _ in ordered]
    if not stratified:
        return sorted(rng.sample([a for a, _ in ordered], size))
    strata: dict[str, list[str]] = {}
    for account, customer_class in ordered:
        strata.setdefault(customer_class, []).append(account)
    quotas = {k: size * len(v) / len(ordered) for k, v in sorted(strata.items())}
    counts = {k: int(q) for k, q in quotas.items()}
    for k in sorted(quotas, key=lambda k: (counts[k] - quotas[k], k))[:size - sum(counts.values())]:
        counts[k] += 1
    return sorted(a for k, members in sorted(strata.items())
                  for a in rng.sample(members, counts[k]))


def create(conn: Connection, rules: Rules, org: str, units: list[str], size: int,
           user_name: str, seed: int | None = None, stratified: bool = True) -> int:
    """Draw a spot check of ``org`` (``units``: its subtree) and its checklist; its id."""
    if not 1 <= size <= MAX_SIZE:
        raise QueryError(f"抽查户数应在 1 到 {MAX_SIZE} 之间")
    seed = secrets.randbelow(2**31) if seed is None else seed
    population = conn.execute(select(customers.c.account_no, customers.c.customer_class)
                              .where(in_units(customers.c.org, units))).all()
    if not population:
        raise QueryError(f"“{org}”没有客户可供抽查")
    sample = draw_sample([tuple(row) for row in population], size, seed, stratified)
    check_id = conn.execute(insert(spot_checks).values(
        org=org, size=len(sample), seed=seed, stratified=stratified, created_by=user_name,
        created_at=utcnow())).inserted_primary_key[0]
    conn.execute(insert(spot_check_items), checklist(conn, rules, check_id, sample))
    return check_id


def checklist(conn: Connection, rules: Rules, check_id: int, sample: list[str]
              ) -> list[dict[str, Any]]:
    """Item rows for the sampled customers, automatic items already judged."""
    found = {s.account_no: s for s in statuses(conn, rules, None, accounts=sample)}
    signed = signed_inspections(conn, sample)
    rows = []
    for account in sample:
        status = found[account]
        needs_inspection = rules.inspection_months(status.customer_class,
                                                   status.volt_level) is not None
        judged = {
            "documents": (PASS, "") if status.complete else (FAIL, status.summary()),
            "inspection_sheet": ((PASS, "") if account in signed else (FAIL, "无已签字的检查工作单"))
            if needs_inspection else (NOT_APPLICABLE, "该类客户无周期检查要求"),
        }
        for item in ITEMS:
            result, note = judged.get(item.key, (PENDING, ""))
            rows.append({"check_id": check_id, "account_no": account, "org": status.org,
                         "item": item.key, "result": result, "note": note})
    return rows


def signed_inspections(conn: Connection, accounts: list[str]) -> set[str]:
    """Accounts with a 用电检查工作单 (JC01) that bears a signature."""
    d = documents.c
    signed = [d.content.contains(word) for word in SIGNED_WORDS]
    query = select(d.account_no).where(documents_of(
        None, d.doc_type == "JC01", d.account_no.in_(accounts), or_(*signed))).distinct()
    return set(conn.execute(query).scalars())


def get(conn: Connection, check_id: int) -> dict[str, Any]:
    """The spot check with its customers and items."""
    row = conn.execute(select(spot_checks).where(spot_checks.c.id == check_id)).first()
    if row is None:
        raise NotFoundError(f"没有编号为 {check_id} 的抽查")
    c = customers.c
    names = dict(conn.execute(
        select(c.account_no, c.name).join(spot_check_items,
                                          spot_check_items.c.account_no == c.account_no)
        .where(spot_check_items.c.check_id == check_id)).all())
    items = conn.execute(select(spot_check_items).where(spot_check_items.c.check_id == check_id)
                         .order_by(spot_check_items.c.account_no, spot_check_items.c.id)).all()
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        entry = rows.setdefault(item.account_no, {"account_no": item.account_no,
                                                  "name": names.get(item.account_no, ""),
                                                  "org": item.org, "items": []})
        entry["items"].append({"key": item.item, "label": ITEM_BY_KEY[item.item].label,
                               "automatic": ITEM_BY_KEY[item.item].automatic,
                               "result": item.result, "note": item.note})
    for entry in rows.values():
        entry["passed"] = all(i["result"] in (PASS, NOT_APPLICABLE) for i in entry["items"])
    check = dict(row._mapping)
    checked = list(rows.values())
    return {**check, "finished": check["finished_at"] is not None, "customers": checked,
            "pending": sum(i["result"] == PENDING for e in checked for i in e["items"]),
            "passed": sum(e["passed"] for e in checked)}


def record(conn: Connection, check_id: int, account_no: str, item: str, result: str, note: str,
           user_name: str) -> None:
    """Mark a manual item of a customer in an open spot check."""
    _require_open(conn, check_id)
    if item not in ITEM_BY_KEY or ITEM_BY_KEY[item].automatic:
        raise QueryError(f"“{item}”不是可人工填写的抽查项目")
    if result not in RESULTS:
        raise QueryError(f"抽查结果应为 {'或'.join(RESULTS)}")
    if result == FAIL and not note.strip():
        raise QueryError("判为不合格时请填写说明")
    i = spot_check_items.c
    changed = conn.execute(update(spot_check_items).where(and_(
        i.check_id == check_id, i.account_no == account_no, i.item == item)).values(
        result=result, note=note.strip()[:500], updated_by=user_name,
        updated_at=utcnow())).rowcount
    if not changed:
        raise NotFoundError(f"户号“{account_no}”不在本次抽查的样本中")


def finish(conn: Connection, check_id: int, user_name: str) -> None:
    """Close the spot check once every item is marked; it is read-only afterwards."""
    _require_open(conn, check_id)
    i = spot_check_items.c
    pending = conn.execute(select(func.count()).select_from(spot_check_items).where(
        and_(i.check_id == check_id, i.result == PENDING))).scalar_one()
    if pending:
        raise QueryError(f"还有 {pending} 个抽查项目未填写，不能完成")
    conn.execute(update(spot_checks).where(spot_checks.c.id == check_id).values(
        finished_at=utcnow(), finished_by=user_name))


def _require_open(conn: Connection, check_id: int) -> None:
    finished = conn.execute(select(spot_checks.c.finished_at)
                            .where(spot_checks.c.id == check_id)).first()
    if finished is None:
        raise NotFoundError(f"没有编号为 {check_id} 的抽查")
    if finished[0] is not None:
        raise SpotCheckClosedError("该抽查已完成，结果只读，不能再修改")


def list_checks(conn: Connection, units: list[str] | None) -> list[dict[str, Any]]:
    s = spot_checks.c
    rows = conn.execute(select(spot_checks).where(in_units(s.org, units))
                        .order_by(s.id.desc())).all()
    return [{**row._mapping, "finished": row.finished_at is not None} for row in rows]


def pass_counts(conn: Connection, units: list[str] | None, start: date, end: date
                ) -> dict[str, tuple[int, int]]:
    """Per unit of the sampled customers: (customers passing every item, customers checked),
    over spot checks finished between ``start`` and ``end``."""
    s, i = spot_checks.c, spot_check_items.c
    failed = func.sum(cast(i.result == FAIL, Integer))
    query = (select(i.org, i.check_id, i.account_no, failed.label("failed"))
             .join(spot_checks, s.id == i.check_id)
             .where(s.finished_at.is_not(None), s.finished_at >= start_of_day(start),
                    s.finished_at <= end_of_day(end), in_units(i.org, units))
             .group_by(i.org, i.check_id, i.account_no))
    counts: dict[str, list[int]] = {}
    for row in conn.execute(query):
        entry = counts.setdefault(row.org, [0, 0])
        entry[0] += not row.failed
        entry[1] += 1
    return {org: (passed, total) for org, (passed, total) in counts.items()}
