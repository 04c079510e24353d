"""Checkpoints of the access log: verified ranges, themselves hash-chained.

When a verification finds the chain sound up to record N it writes a checkpoint (N, the hash
of record N), HMAC-keyed like the records and carrying the previous checkpoint's hash. The
auditor's page then re-checks only what is new since the last checkpoint, after cheap checks
of what came before: the checkpoint chain itself, every checkpoint's anchor record still
bearing its hash, and the number of records up to the last checkpoint. A full
``audit verify`` still checks every record (and every checkpoint).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Integer, String, Table, func, insert, select
from sqlalchemy.engine import Connection, Row

from search_service.db import Base

GENESIS = "0" * 64
CHECKPOINT_EVERY = 1000  # new verified records worth a checkpoint of their own

checkpoints = Table(
    "audit_checkpoints", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("through_seq", Integer, nullable=False),  # records up to here verified
    Column("through_hash", String(64), nullable=False),  # the hash of record through_seq
    Column("at", String(32), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
SIGNED = ("id", "through_seq", "through_hash", "at", "prev_hash")


@dataclass(frozen=True)
class Anchor:
    """Where a verification may start: after record ``seq`` whose hash is ``hash``."""

    seq: int
    hash: str
    checkpoints: int = 0


class Checkpoints:
    def __init__(self, key: bytes) -> None:
        self.key = key

    def digest(self, row: dict[str, Any]) -> str:
        payload = json.dumps(["checkpoint"] + [row[name] for name in SIGNED],
                             separators=(",", ":"))
        return hmac.new(self.key, payload.encode(), hashlib.sha256).hexdigest()

    def check(self, conn: Connection, records: Table, base_seq: int,
              record_digest: Callable[[dict[str, Any]], str]) -> tuple[str, Anchor | None]:
        """("", the last usable checkpoint) or (what is wrong, None).

        Checks the checkpoint chain, that each anchor record past the pruned base is intact
        and bears the hash its checkpoint names, and that no record up to the last
        checkpoint was removed or added.
        """
        rows = conn.execute(select(checkpoints).order_by(checkpoints.c.id)).mappings().all()
        prev, last = GENESIS, None
        for n, row in enumerate(rows, start=1):
            if row["id"] != n or row["prev_hash"] != prev or not hmac.compare_digest(
                    self.digest(dict(row)), row["hash"]):
                return f"第 {row['id']} 号校验点被修改、删除或插入", None
            prev, last = row["hash"], row
        live = [r for r in rows if r["through_seq"] > base_seq]
        if not live:
            return "", None
        anchors = {r["seq"]: dict(r) for r in conn.execute(select(records).where(
            records.c.seq.in_([r["through_seq"] for r in live]))).mappings()}
        for row in live:
            anchor = anchors.get(row["through_seq"])
            if anchor is None or anchor["hash"] != row["through_hash"] or not hmac.compare_digest(
                    record_digest(anchor), anchor["hash"]):
                return f"第 {row['through_seq']} 号记录与第 {row['id']} 号校验点不符（被修改或删除）", None
        through = last["through_seq"]
        # All records minus those after the checkpoint: an unfiltered count reads the
        # smallest index, not the whole table.
        count = (conn.execute(select(func.count()).select_from(records)).scalar_one()
                 - conn.execute(select(func.count()).select_from(records)
                                .where(records.c.seq > through)).scalar_one())
        if count != through - base_seq:
            return (f"第 {through} 号记录之前（已校验范围内）的记录数不符："
                    f"应为 {through - base_seq} 条，实有 {count} 条"), None
        return "", Anchor(through, last["through_hash"], len(rows))

    def last(self, conn: Connection) -> Row | None:
        return conn.execute(select(checkpoints).order_by(checkpoints.c.id.desc()).limit(1)).first()

    def add(self, conn: Connection, through_seq: int, through_hash: str, at: str) -> bool:
        """Record that the chain is sound through ``through_seq`` (False if not newer).

        ``conn`` holds the log's write lock (the caller locked the head row)."""
        last = self.last(conn)
        if last is not None and last.through_seq >= through_seq:
            return False
        row = {"id": (last.id if last else 0) + 1, "through_seq": through_seq,
               "through_hash": through_hash, "at": at,
               "prev_hash": last.hash if last else GENESIS}
        row["hash"] = self.digest(row)
        conn.execute(insert(checkpoints).values(**row))
        return True
