"""The access log: append-only, hash-chained records of who did what, and checks over them.

Each record carries the hash of the record before it; its own hash is an HMAC-SHA256 (keyed
with the service secret) over all its fields, so a record cannot be changed, removed or
slipped in by SQL without :meth:`AuditLog.verify` naming it, and the chain cannot be rebuilt
without the secret. A one-row head table holds the last sequence number and hash: appends
lock it (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` elsewhere), so several
server processes writing at once still produce one chain, and removing the newest records
is caught too. Within a process, records appended at the same moment share one transaction
(:mod:`~search_service.access.group_commit`), each still chained to the one before.

Retention: :meth:`AuditLog.prune` removes only records older than 180 days or more, exports
them first (CSV, with their hashes) and logs itself; the chain then starts from the last
removed record's hash, which the prune record carries.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (Column, Engine, Index, Integer, String, Table, Text, and_, bindparam,
                        delete, func, insert, select, true, update)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, NoResultFound, SQLAlchemyError

from indexer.errors import InputError
from search_service.access.audit_labels import details_text, reason_label
from search_service.access.checkpoints import CHECKPOINT_EVERY, GENESIS, Anchor, Checkpoints
from search_service.access.group_commit import GroupCommit
from search_service.access.policy import role_label
from search_service.db import Base, serialized, utcnow
from search_service.dbapi import Compiled
from search_service.errors import AuditWriteError
from search_service.escaping import csv_cell
from search_service.timefmt import beijing

MIN_RETENTION = timedelta(days=180)
ALLOWED, DENIED = "allowed", "denied"

ACTIONS = {  # action -> label shown to the auditor
    "login": "登录", "login_failed": "登录失败", "logout": "退出",
    "search": "检索", "number_lookup": "个人号码查询",
    "customer_view": "查看客户", "document_view": "查看档案",
    "file_download": "下载原文件", "failed_files": "查看失败文件",
    "audit_query": "查询日志", "audit_export": "导出日志", "audit_verify": "校验日志",
    "audit_alerts": "查看告警", "audit_prune": "清理过期日志",
    "user_create": "创建用户", "user_role": "变更角色", "user_disable": "停用用户",
    "user_enable": "启用用户", "user_password": "重置密码",
    "token_create": "签发令牌", "token_revoke": "吊销令牌",
    "user_unlock": "解除锁定", "user_list": "查看用户列表",
    "oversight_view": "查看档案管理报表", "oversight_export": "导出档案管理报表",
    "spotcheck_create": "创建抽查", "spotcheck_view": "查看抽查", "spotcheck_record": "填写抽查",
    "spotcheck_finish": "完成抽查", "spotcheck_report": "下载抽查报告",
    # the archive room (search_service/archive_room, search_service/viewer)
    "loan_request": "借阅申请", "loan_renew": "续借申请", "loan_approve": "批准借阅",
    "loan_refuse": "拒绝借阅", "loan_return": "归还借阅", "loan_expire": "借阅到期",
    "loan_register": "查看借阅登记簿",
    "handover_submit": "提交移交", "handover_decide": "接收/退回移交", "handover_view": "查看移交",
    "paper_set": "登记实体档案位置",
    "disposal_propose": "提出销毁", "disposal_decide": "审批销毁", "disposal_register": "查看销毁清册",
    "page_view": "查看档案页面", "copy_download": "下载脱敏副本",
    "eep_export": "导出电子档案封装包",
}
ARCHIVE_READS = frozenset({"customer_view", "document_view", "file_download", "page_view",
                           "copy_download", "eep_export"})
READS = ARCHIVE_READS | {"search", "number_lookup"}

records = Table(
    "audit_records", Base.metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),  # UTC, ISO 8601 with microseconds and "Z"
    Column("user", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("org", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("reason", String(256), nullable=False),
    Column("target_doc", String(128), nullable=False),
    Column("target_account", String(32), nullable=False),
    Column("client_ip", String(64), nullable=False),
    Column("user_agent", String(512), nullable=False),
    Column("request_id", String(64), nullable=False),
    Column("details", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_at", "at"),
    Index("ix_audit_user_at", "user", "at"),
    Index("ix_audit_account", "target_account"),
    Index("ix_audit_doc", "target_doc"),
)

head = Table(
    "audit_head", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("base_seq", Integer, nullable=False),  # last record removed by pruning (0: none)
    Column("base_hash", String(64), nullable=False),
)

# The append's statements, compiled once per dialect and run on the transaction's DB-API
# cursor (search_service/dbapi.py: through SQLAlchemy they cost more CPU than in the database).
_LOCK_HEAD = Compiled(select(head.c.seq, head.c.hash).where(head.c.id == 1).with_for_update())
_INSERT_RECORD = Compiled(insert(records), column_keys=[column.name for column in records.c])
_MOVE_HEAD = Compiled(update(head).where(head.c.id == 1).values(seq=bindparam("new_seq"),
                                                                 hash=bindparam("new_hash")))

HASHED = ("seq", "at", "user", "role", "org", "action", "outcome", "reason", "target_doc",
          "target_account", "client_ip", "user_agent", "request_id", "details", "prev_hash")


@dataclass(frozen=True)
class RequestInfo:
    """Where a request came from; set once per request by the web app's middleware."""

    client_ip: str = ""
    user_agent: str = ""
    request_id: str = ""  # made by the server, never taken from the client
    client_request_id: str = ""  # an X-Request-ID the client sent: recorded in details


current_request: ContextVar[RequestInfo] = ContextVar("current_request", default=RequestInfo())


@dataclass(frozen=True)
class Event:
    """One thing to record. ``user``/``role``/``org`` describe who acted."""

    action: str
    user: str
    role: str = ""
    org: str = ""
    outcome: str = ALLOWED
    reason: str = ""
    target_doc: str = ""
    target_account: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def by(cls, person: Any, action: str, **kwargs: Any) -> "Event":
        """An event of ``person`` (anything with ``name``, ``role`` and ``org``). Acting with
        a token someone else created names that creator in the details, so the record shows
        who else could have made the request."""
        issuer = getattr(person, "issued_by", "")
        if issuer:
            kwargs["details"] = {**kwargs.get("details", {}), "token_id": person.token_id,
                                 "token_issued_by": issuer}
        return cls(action, person.name, person.role, person.org, **kwargs)


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    checked: int  # records checked
    last_seq: int
    first_bad: int | None = None  # sequence number of the first bad record
    problem: str = ""  # "altered", "deleted", "inserted" or "" when ok
    message: str = ""
    vouched: int = 0  # older records not re-checked: covered by verified checkpoints

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Filters:
    user: str = ""
    account: str = ""
    doc: str = ""
    actions: tuple[str, ...] = ()
    outcome: str = ""
    since: datetime | None = None
    until: datetime | None = None


def iso(moment: datetime) -> str:
    """UTC, fixed width (years padded to four digits), so text order is time order."""
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def parse_iso(text: str) -> datetime:
    # fromisoformat is C code, ~50x faster than strptime: alerts parse every record's time.
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=timezone.utc)


def canonical_details(details: dict[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


class AuditLog:
    def __init__(self, engine: Engine, key: bytes,
                 clock: Callable[[], datetime] = utcnow) -> None:
        if not key:
            raise ValueError("the access log needs a secret key")
        self.engine = engine
        self.key = key
        self.clock = clock
        self.checkpoints = Checkpoints(key)
        self._group: GroupCommit[tuple[Event, RequestInfo]] = GroupCommit(
            engine, self._append_all)
        self._ensure_head()

    def _ensure_head(self) -> None:
        # Read-then-write: the write lock must be taken first (a deferred SQLite transaction
        # whose snapshot went stale fails at once with "database is locked", busy wait or not).
        try:
            with serialized(self.engine) as conn:
                if conn.execute(select(head.c.id)).first() is None:
                    conn.execute(insert(head).values(id=1, seq=0, hash=GENESIS, base_seq=0,
                                                     base_hash=GENESIS))
        except IntegrityError:
            pass  # another process created it first

    # --- writing -----------------------------------------------------------------------

    def append(self, event: Event, connection: Connection | None = None) -> dict[str, Any]:
        """Write one record and return it; raises :class:`AuditWriteError` if it cannot.

        With ``connection`` (a :func:`~search_service.db.serialized` transaction) the record
        commits or rolls back together with the caller's own changes. Without, it commits
        with the records other threads append at the same moment (group commit), and this
        returns only once that commit is durable.
        """
        if event.action not in ACTIONS:
            raise ValueError(f"unknown audit action {event.action!r}")
        try:
            if connection is not None:
                return self._append(connection, (event, current_request.get()))
            return self._group.submit((event, current_request.get()))
        except SQLAlchemyError as exc:
            raise AuditWriteError("访问日志暂时无法写入，请求未执行，请稍后重试或联系管理员") from exc

    def _append(self, conn: Connection, queued: tuple[Event, RequestInfo]) -> dict[str, Any]:
        return self._append_all(conn, [queued])[0]

    def _append_all(self, conn: Connection,
                    queue: list[tuple[Event, RequestInfo]]) -> list[dict[str, Any]]:
        """``queue``'s records chained after the head (read under its lock), then the head
        moved once, past the last of them: three statements for a group, not per record."""
        try:
            [(seq, prev_hash)] = _LOCK_HEAD.execute(conn, {})
        except ValueError as exc:
            raise NoResultFound("the access log's head row is missing") from exc
        rows = []
        for event, info in queue:
            row = {
                "seq": seq + 1, "at": iso(self.clock()), "user": event.user,
                "role": event.role, "org": event.org, "action": event.action,
                "outcome": event.outcome, "reason": event.reason[:256],
                "target_doc": event.target_doc, "target_account": event.target_account,
                "client_ip": info.client_ip, "user_agent": info.user_agent[:512],
                "request_id": info.request_id,
                "details": canonical_details(_with_client_request_id(event.details, info)),
                "prev_hash": prev_hash,
            }
            row["hash"] = self.digest(row)
            rows.append(row)
            seq, prev_hash = row["seq"], row["hash"]
        _INSERT_RECORD.execute_many(conn, rows)
        _MOVE_HEAD.execute(conn, {"new_seq": seq, "new_hash": prev_hash})
        return rows

    def count_recent(self, conn: Connection, user: str, action: str, outcome: str,
                     since: datetime) -> int:
        """How many ``action`` records with ``outcome`` ``user`` has since ``since``, counted
        under the log's lock (taken here) inside the caller's :func:`serialized` transaction."""
        conn.execute(select(head.c.id).where(head.c.id == 1).with_for_update()).one()
        return conn.execute(select(func.count()).select_from(records).where(
            records.c.user == user, records.c.at >= iso(since), records.c.action == action,
            records.c.outcome == outcome)).scalar_one()

    def digest(self, row: dict[str, Any]) -> str:
        payload = json.dumps([row[name] for name in HASHED], ensure_ascii=False,
                             separators=(",", ":"))
        return hmac.new(self.key, payload.encode("utf-8"), hashlib.sha256).hexdigest()

    # --- checking ----------------------------------------------------------------------

    def key_matches(self) -> bool:
        """Whether the newest record was hashed with this key (cheap; run at start-up, so a
        wrong secret is refused before it appends records no one could verify)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(records).order_by(records.c.seq.desc()).limit(1)
                               ).mappings().first()
        return row is None or hmac.compare_digest(self.digest(dict(row)), row["hash"])

    def verify(self, batch: int = 5000) -> ChainStatus:
        """Check every record; name the first one altered, deleted or inserted."""
        return self._verify(batch, full=True)

    def verify_recent(self, batch: int = 5000) -> ChainStatus:
        """Check the records since the last checkpoint, after the checkpoints themselves
        (their chain, their anchor records, the count of records they cover): what the
        auditor's page shows, fast at any size. :meth:`verify` checks everything."""
        return self._verify(batch, full=False)

    def _verify(self, batch: int, full: bool) -> ChainStatus:
        with self.engine.connect() as conn:
            top = conn.execute(select(head).where(head.c.id == 1)).one()
            problem = self._check_base(conn, top)
            if problem:
                return ChainStatus(False, 0, top.seq, top.base_seq, "altered", problem)
            if full:  # every record first (naming the first bad one), then the checkpoints
                status = self._walk(conn, top, Anchor(top.base_seq, top.base_hash), batch)
                problem = status.ok and self._check_checkpoints(conn, top)[0]
            else:  # the checkpoints first, then the records after the last of them
                problem, anchor = self._check_checkpoints(conn, top)
                if not problem:
                    status = self._walk(conn, top, anchor or Anchor(top.base_seq, top.base_hash),
                                        batch)
            if problem:
                return ChainStatus(False, 0, top.seq, top.base_seq, "altered", problem)
        if status.ok and (full or status.checked >= CHECKPOINT_EVERY) and status.checked:
            self._checkpoint(top.seq, top.hash)
        return status

    def _check_checkpoints(self, conn: Connection, top: Any) -> tuple[str, Anchor | None]:
        return self.checkpoints.check(conn, records, top.base_seq, self.digest)

    def _walk(self, conn: Connection, top: Any, start: Anchor, batch: int) -> ChainStatus:
        """Check the records after ``start`` up to the head."""
        expected, prev, checked = start.seq + 1, start.hash, 0
        # From the start anchor on; a full walk from below any seq an INTEGER holds, so
        # rows inserted with a small or negative seq are seen.
        after = start.seq if start.checkpoints else -(2**31)
        while True:
            rows = conn.execute(select(records).where(records.c.seq > after)
                                .order_by(records.c.seq).limit(batch)).mappings().all()
            for row in rows:
                bad = self._check_row(dict(row), expected, prev, top.seq)
                if bad:
                    return ChainStatus(False, checked, top.seq, *bad)
                expected, prev, checked = row["seq"] + 1, row["hash"], checked + 1
            if len(rows) < batch:
                break
            after = rows[-1]["seq"]
        if expected - 1 != top.seq or prev != top.hash:
            return ChainStatus(False, checked, top.seq, expected, "deleted",
                               f"第 {expected} 号记录（及其后直到第 {top.seq} 号）已被删除")
        vouched = start.seq - top.base_seq if start.checkpoints else 0
        message = f"共校验 {checked} 条记录，未发现改动"
        if vouched:
            message = (f"校验了最近的 {checked} 条记录，未发现改动；此前 {vouched} 条由 "
                       f"{start.checkpoints} 个已链接的校验点担保（完整校验：archive-search audit verify）")
        return ChainStatus(True, checked, top.seq, message=message, vouched=vouched)

    def _checkpoint(self, through_seq: int, through_hash: str) -> None:
        try:
            with serialized(self.engine) as conn:
                conn.execute(select(head.c.id).where(head.c.id == 1).with_for_update())
                self.checkpoints.add(conn, through_seq, through_hash, iso(self.clock()))
        except SQLAlchemyError:
            pass  # a checkpoint only saves later work; the verification result stands

    def _check_row(self, row: dict[str, Any], expected: int, prev: str,
                   last: int) -> tuple[int, str, str] | None:
        seq = row["seq"]
        if seq < expected or seq > last:
            return seq, "inserted", f"第 {seq} 号记录是链外插入的记录"
        if seq > expected:
            return expected, "deleted", f"第 {expected} 号记录已被删除"
        if not hmac.compare_digest(self.digest(row), row["hash"]):
            return seq, "altered", f"第 {seq} 号记录的内容被修改（与其哈希不符）"
        if row["prev_hash"] != prev:
            return seq, "altered", f"第 {seq} 号记录与前一条记录的链接被修改"
        return None

    def _check_base(self, conn: Connection, top: Any) -> str:
        """After pruning, the chain's base must be the one the prune record vouches for."""
        if top.base_seq == 0 and top.base_hash == GENESIS:
            return ""
        prunes = conn.execute(select(records.c.details).where(
            records.c.action == "audit_prune")).scalars()
        for details in prunes:
            facts = json.loads(details)
            if facts.get("through_seq") == top.base_seq and facts.get("base_hash") == top.base_hash:
                return ""
        return f"日志起点（第 {top.base_seq} 号记录之后）与任何清理记录都不符，起点被修改"

    # --- reading -----------------------------------------------------------------------

    def query(self, filters: Filters, page: int = 1,
              page_size: int = 50) -> tuple[int, list[dict[str, Any]]]:
        """Records matching ``filters``, newest first, one page of them, with the total."""
        condition = _condition(filters)
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(records)
                                 .where(condition)).scalar_one()
            rows = conn.execute(select(records).where(condition)
                                .order_by(records.c.seq.desc())
                                .offset((page - 1) * page_size).limit(page_size)).mappings()
            return total, [public(dict(r)) for r in rows]

    def iter_records(self, filters: Filters = Filters(), batch: int = 2000
                     ) -> Iterator[dict[str, Any]]:
        """Matching records, oldest first, read in batches."""
        condition, after = _condition(filters), -(2**31)
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(select(records).where(and_(condition, records.c.seq > after))
                                    .order_by(records.c.seq).limit(batch)).mappings().all()
            yield from (public(dict(r)) for r in rows)
            if len(rows) < batch:
                return
            after = rows[-1]["seq"]

    def export_csv(self, filters: Filters = Filters()) -> Iterator[str]:
        """The matching records as CSV text for Excel: a BOM, then header and rows."""
        yield "\ufeff"
        yield _csv_line(CSV_COLUMNS.values())
        for record in self.iter_records(filters):
            yield _csv_line(_csv_value(record, key) for key in CSV_COLUMNS)

    # --- retention ---------------------------------------------------------------------

    def prune(self, before: datetime, export_to: Path, actor: Any) -> int:
        """Remove records older than ``before`` (at least 180 days ago) after exporting them.

        Returns how many were removed; the removal itself is logged as ``audit_prune``.
        """
        if before > self.clock() - MIN_RETENTION:
            raise InputError(f"访问日志至少保留 {MIN_RETENTION.days} 天，"
                             f"只能清理 {iso(self.clock() - MIN_RETENTION)[:10]} 之前的记录")
        if export_to.exists():
            raise InputError(f"{export_to} 已存在，请指定新的导出文件")
        with serialized(self.engine) as conn:
            through = conn.execute(select(func.max(records.c.seq))
                                   .where(records.c.at < iso(before))).scalar()
            if through is None:
                return 0
            removed = [public(dict(r)) for r in conn.execute(
                select(records).where(records.c.seq <= through).order_by(records.c.seq))
                .mappings()]
            digest = _write_export(export_to, removed)
            base_hash = removed[-1]["hash"]
            conn.execute(delete(records).where(records.c.seq <= through))
            conn.execute(update(head).where(head.c.id == 1)
                         .values(base_seq=through, base_hash=base_hash))
            self.append(Event.by(actor, "audit_prune", details={
                "through_seq": through, "base_hash": base_hash, "count": len(removed),
                "export": str(export_to), "export_sha256": digest}), conn)
        return len(removed)


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A record as shown to auditors: details parsed, labels added."""
    out = dict(row)
    out["details"] = json.loads(row["details"]) if row.get("details") else {}
    out["action_label"] = ACTIONS.get(row["action"], row["action"])
    out["reason_label"] = reason_label(row.get("reason") or "")
    out["details_text"] = details_text(out["details"])
    return out


def _with_client_request_id(details: dict[str, Any], info: RequestInfo) -> dict[str, Any]:
    """The client's own request id beside the server's, where the client sent one."""
    return {**details, "client_request_id": info.client_request_id} \
        if info.client_request_id else details


def _condition(filters: Filters) -> Any:
    parts = []
    if filters.user:
        parts.append(records.c.user == filters.user)
    if filters.account:
        parts.append(records.c.target_account == filters.account)
    if filters.doc:
        parts.append(records.c.target_doc == filters.doc)
    if filters.actions:
        parts.append(records.c.action.in_(filters.actions))
    if filters.outcome:
        parts.append(records.c.outcome == filters.outcome)
    if filters.since is not None:
        parts.append(records.c.at >= iso(filters.since))
    if filters.until is not None:
        parts.append(records.c.at < iso(filters.until))
    return and_(true(), *parts)


CSV_COLUMNS = {
    "seq": "序号", "beijing": "时间（北京时间）", "at": "时间（UTC）", "user": "用户", "role": "角色", "org": "单位",
    "action_label": "操作", "target_doc": "档案编号", "target_account": "户号",
    "outcome": "结果", "reason": "原因", "client_ip": "客户端地址", "user_agent": "浏览器",
    "request_id": "请求编号", "details": "详情", "prev_hash": "前一哈希", "hash": "哈希",
    "details_json": "详情（原始 JSON，哈希所覆盖）",
}
_OUTCOME_LABELS = {ALLOWED: "允许", DENIED: "拒绝"}
_PERSON_LABELS = {"role": role_label, "reason": reason_label, "details": details_text}


def _csv_value(record: dict[str, Any], key: str) -> str:
    if key == "beijing":  # as people read it; the UTC column is what the hash covers
        return beijing(record["at"])
    value = record.get(key, "")
    if key == "details_json":
        return canonical_details(record["details"]) if record.get("details") else ""
    if key in _PERSON_LABELS:  # Chinese for people; the machine values stay in the record
        return _PERSON_LABELS[key](value) if value else ""
    if key == "outcome":
        return _OUTCOME_LABELS.get(value, value)
    return csv_cell(value)


def _csv_line(values: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(list(values))
    return buffer.getvalue()


def _write_export(path: Path, rows: list[dict[str, Any]]) -> str:
    """Write removed records as CSV (with the raw ``details`` JSON) and return its SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HASHED + ("hash",))
    for row in rows:
        raw = {**row, "details": canonical_details(row["details"])}
        writer.writerow([raw[name] for name in HASHED + ("hash",)])
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    with open(path, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return hashlib.sha256(data).hexdigest()
