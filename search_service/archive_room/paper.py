"""Paper files (实体档案): where each customer's paper file sits, and whether it is out on loan.

A location is 库房 / 柜 / 架 / 盒号, set by an archivist of the customer's unit or imported
from the optional ``catalog.csv`` columns ``库房,柜,架,盒号`` (the first non-empty location
of a customer's rows wins). A loan that lends the paper file records it out when approved and
back in when returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.engine import Connection

from indexer.catalog.listing import normalize_path
from indexer.catalog.tables import documents
from indexer.errors import TableError
from indexer.tables import read_table
from search_service.access.audit import DENIED, Event
from search_service.access.policy import (Person, Units, can_decide_for, can_read_archives,
                                          unit_in_reach)
from search_service.archive_room.holdings import customer_holdings
from search_service.archive_room.procedure import Procedure
from search_service.archive_room.tables import paper_locations
from search_service.db import serialized
from search_service.errors import ForbiddenError, NotFoundError, QueryError

PLACE_FIELDS = ("store", "cabinet", "shelf", "box")
PLACE_COLUMNS = ("库房", "柜", "架", "盒号")
MAX_PART = 32


@dataclass(frozen=True)
class Place:
    store: str = ""
    cabinet: str = ""
    shelf: str = ""
    box: str = ""

    def label(self) -> str:
        parts = [f"{v}{unit}" if v and unit and not v.endswith(unit) else v
                 for v, unit in zip(self.values(), ("", "柜", "架", ""))]
        text = " ".join(p for p in parts[:3] if p)
        return f"{text} 盒号 {self.box}".strip() if self.box else text

    def values(self) -> tuple[str, str, str, str]:
        return (self.store, self.cabinet, self.shelf, self.box)

    def empty(self) -> bool:
        return not any(self.values())


class PaperFiles(Procedure):
    _imported: tuple[str, int] | None = None
    root: Callable[[], Path | None] = staticmethod(lambda: None)

    def location(self, account_no: str) -> dict[str, Any] | None:
        self.import_catalog(self.root())
        with self.engine.connect() as conn:
            row = conn.execute(select(paper_locations)
                               .where(paper_locations.c.account_no == account_no)).first()
        return _public(dict(row._mapping)) if row is not None else None

    def set(self, user: Person, units: Units, account_no: str, place: Place) -> dict[str, Any]:
        """An archivist of the customer's unit records where its paper file sits."""
        _check(place)
        with self.engine.connect() as conn:
            customer = customer_holdings(conn, [account_no]).get(account_no)
        if customer is None:
            raise NotFoundError(f"没有户号为“{account_no}”的客户")
        if not can_decide_for(user, units, customer.org):
            self.audit.append(Event.by(user, "paper_set", outcome=DENIED, reason="role",
                                       target_account=account_no))
            raise ForbiddenError("只有该客户所属单位的档案管理员可以登记实体档案位置")
        with serialized(self.engine) as conn:
            _upsert(conn, account_no, place, user.name, self.clock())
            self.audit.append(Event.by(user, "paper_set", target_account=account_no,
                                       details={"place": place.label()}), conn)
        return self.location(account_no) or {}

    def find(self, user: Person, units: Units, text: str = "") -> list[dict[str, Any]]:
        """Locations of customers in the user's units whose place or 户号 contains ``text``."""
        if not can_read_archives(user):
            raise ForbiddenError("您的角色不能查阅档案")
        self.import_catalog(self.root())
        query = select(paper_locations).order_by(*[paper_locations.c[f] for f in PLACE_FIELDS])
        if text.strip():
            like = f"%{text.strip()}%"
            query = query.where(or_(paper_locations.c.account_no.like(like),
                                    *[paper_locations.c[f].like(like) for f in PLACE_FIELDS]))
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query.limit(1000))]
            holders = customer_holdings(conn, [r["account_no"] for r in rows])
        found = []
        for row in rows:
            holder = holders.get(row["account_no"])
            if holder is not None and unit_in_reach(user, units, holder.org):
                found.append({**_public(row), "customer": holder.label, "org": holder.org})
        return found

    def import_catalog(self, root: Path | None) -> int:
        """Locations from ``catalog.csv``'s optional columns 库房,柜,架,盒号, for customers
        without one yet (an archivist's entry is never overwritten); read again only when the
        file changed. Returns how many locations were added."""
        path = root / "catalog.csv" if root is not None else None
        stamp = path.stat().st_mtime_ns if path is not None and path.is_file() else None
        if stamp is None or self._imported == (str(path), stamp):
            return 0
        self._imported = (str(path), stamp)
        try:
            rows = read_table(path, ("文件路径",))
        except TableError:
            return 0
        places: dict[str, Place] = {}
        wanted: dict[str, Place] = {}
        for row in rows:
            place = Place(*((row.get(c) or "").strip()[:MAX_PART] for c in PLACE_COLUMNS))
            if place.empty():
                continue
            account = (row.get("户号") or "").strip()
            if account:
                places.setdefault(account, place)
            else:
                wanted.setdefault(normalize_path(row["文件路径"]), place)
        now = self.clock()
        with serialized(self.engine) as conn:
            for found_path, account in _accounts_of_paths(conn, wanted):
                places.setdefault(account, wanted[found_path])
            known = set(conn.execute(select(paper_locations.c.account_no)).scalars())
            fresh = {a: p for a, p in places.items() if a not in known}
            for account, place in fresh.items():
                _upsert(conn, account, place, "catalog.csv", now)
        return len(fresh)


def lend_out(conn: Connection, accounts: Iterable[str], loan_id: int, now: datetime) -> None:
    """Record the paper files of ``accounts`` as out on loan ``loan_id``."""
    for account in accounts:
        exists = conn.execute(select(paper_locations.c.account_no)
                              .where(paper_locations.c.account_no == account)).first()
        if exists is None:
            conn.execute(insert(paper_locations).values(account_no=account, updated_at=now))
        conn.execute(update(paper_locations).where(paper_locations.c.account_no == account)
                     .values(out_loan=loan_id, out_at=now))


def bring_back(conn: Connection, loan_id: int) -> None:
    conn.execute(update(paper_locations).where(paper_locations.c.out_loan == loan_id)
                 .values(out_loan=None, out_at=None))


def is_out(conn: Connection, loan_id: int) -> bool:
    return conn.execute(select(paper_locations.c.account_no)
                        .where(paper_locations.c.out_loan == loan_id).limit(1)).first() is not None


def _accounts_of_paths(conn: Connection, paths: dict[str, Place]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    names = sorted(paths)
    for start in range(0, len(names), 500):
        query = select(documents.c.path, documents.c.account_no).where(
            documents.c.path.in_(names[start:start + 500]), documents.c.account_no != "")
        found += [(row.path, row.account_no) for row in conn.execute(query)]
    return found


def _upsert(conn: Connection, account_no: str, place: Place, by: str, now: datetime) -> None:
    values = dict(zip(PLACE_FIELDS, place.values()), updated_by=by, updated_at=now)
    done = conn.execute(update(paper_locations)
                        .where(paper_locations.c.account_no == account_no).values(**values))
    if not done.rowcount:
        conn.execute(insert(paper_locations).values(account_no=account_no, **values))


def _check(place: Place) -> None:
    if place.empty():
        raise QueryError("请填写库房、柜、架或盒号")
    if any(len(v) > MAX_PART for v in place.values()):
        raise QueryError(f"库房、柜、架、盒号每项不超过 {MAX_PART} 个字符")


def _public(row: dict[str, Any]) -> dict[str, Any]:
    place = Place(*(row.get(f) or "" for f in PLACE_FIELDS))
    return {**row, "label": place.label(), "out": row.get("out_loan") is not None}
