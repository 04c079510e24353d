"""Suspicious patterns in the access log, for the auditor: one user reading many customers in
an hour, reads outside working hours, repeated refusals, refused personal-number lookups
(loans overdue come from the archive room:
:meth:`search_service.archive_room.lending.Lending.overdue_alerts`)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select

from search_service.access.audit import (ALLOWED, ARCHIVE_READS, DENIED, READS, AuditLog, iso,
                                         parse_iso, records)


@dataclass(frozen=True)
class AlertRules:
    max_customers_per_hour: int = 30
    work_start: time = time(8, 0)
    work_end: time = time(18, 0)
    workdays: frozenset[int] = frozenset(range(5))  # Monday..Friday
    utc_offset_hours: int = 8  # China Standard Time
    max_denials: int = 5
    denial_window: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Alert:
    kind: str  # bulk_read, after_hours, denials, overdue_loan, number_lookups
    user: str
    start: str
    end: str
    count: int
    seqs: tuple[int, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "seqs": list(self.seqs), "label": ALERT_LABELS[self.kind]}


ALERT_LABELS = {"bulk_read": "批量查阅客户", "after_hours": "非工作时间查阅",
                "denials": "多次被拒绝", "overdue_loan": "借阅逾期未还",
                "number_lookups": "个人号码查询超限"}


def _by_user(rows: list[dict[str, Any]], keep: Callable[[dict[str, Any]], bool]
             ) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if keep(row):
            grouped.setdefault(row["user"], []).append(row)
    return grouped


def _windows(rows: list[dict[str, Any]], span: timedelta, enough: Callable[[list], bool]
             ) -> Iterator[list[dict[str, Any]]]:
    """Non-overlapping runs of ``rows`` within ``span`` of their first row that are ``enough``."""
    current: deque[dict[str, Any]] = deque()
    for row in rows:
        current.append(row)
        while row["_t"] - current[0]["_t"] > span:
            current.popleft()
        if enough(list(current)):
            yield list(current)
            current.clear()


def _alert(kind: str, user: str, rows: list[dict[str, Any]], message: str) -> Alert:
    return Alert(kind, user, rows[0]["at"], rows[-1]["at"], len(rows),
                 tuple(r["seq"] for r in rows), message)


def _bulk_reads(rows: list[dict[str, Any]], rules: AlertRules) -> list[Alert]:
    limit = rules.max_customers_per_hour
    found = []
    reads = _by_user(rows, lambda r: r["action"] in ARCHIVE_READS and r["outcome"] == ALLOWED
                     and r["target_account"])
    for user, mine in reads.items():
        for run in _windows(mine, timedelta(hours=1),
                            lambda w: len({r["target_account"] for r in w}) > limit):
            customers = len({r["target_account"] for r in run})
            found.append(_alert("bulk_read", user, run,
                                f"{user} 在一小时内查阅了 {customers} 个客户的档案（上限 {limit}）"))
    return found


def _after_hours(rows: list[dict[str, Any]], rules: AlertRules) -> list[Alert]:
    zone = timezone(timedelta(hours=rules.utc_offset_hours))

    def outside(row: dict[str, Any]) -> bool:
        local = row["_t"].astimezone(zone)
        return (local.weekday() not in rules.workdays
                or not rules.work_start <= local.time() < rules.work_end)

    found = []
    reads = _by_user(rows, lambda r: r["action"] in READS and r["outcome"] == ALLOWED
                     and outside(r))
    for user, mine in reads.items():
        days: dict[Any, list[dict[str, Any]]] = {}
        for row in mine:
            days.setdefault(row["_t"].astimezone(zone).date(), []).append(row)
        for day, run in sorted(days.items()):
            found.append(_alert("after_hours", user, run,
                                f"{user} 于 {day}（UTC{rules.utc_offset_hours:+d}）非工作时间查阅档案 {len(run)} 次"))
    return found


def _repeated_denials(rows: list[dict[str, Any]], rules: AlertRules) -> list[Alert]:
    found = []
    denied = _by_user(rows, lambda r: r["outcome"] == DENIED)
    for user, mine in denied.items():
        for run in _windows(mine, rules.denial_window, lambda w: len(w) >= rules.max_denials):
            found.append(_alert("denials", user, run,
                                f"{user} 在短时间内 {len(run)} 次被拒绝（登录失败或越权访问）"))
    return found


def _refused_lookups(rows: list[dict[str, Any]]) -> list[Alert]:
    """Personal-number lookups refused beyond the hourly limit: someone may be guessing."""
    found = []
    refused = _by_user(rows, lambda r: r["action"] == "number_lookup" and r["outcome"] == DENIED)
    for user, mine in refused.items():
        runs: list[list[dict[str, Any]]] = []
        for row in mine:  # one alert per hour of refusals
            if not runs or row["_t"] - runs[-1][0]["_t"] > timedelta(hours=1):
                runs.append([])
            runs[-1].append(row)
        found += [_alert("number_lookups", user, run,
                         f"{user} 按完整证件号码、手机号码等检索超过每小时上限，"
                         f"{len(run)} 次被拒绝（可能在猜测号码）") for run in runs]
    return found


def find_alerts(log: AuditLog, rules: AlertRules, since: datetime | None = None,
                until: datetime | None = None) -> list[Alert]:
    """Suspicious patterns among the records in a time range (default: the last 7 days)."""
    until = until or log.clock()
    if since is None:
        try:
            since = until - timedelta(days=7)
        except OverflowError:
            since = datetime.min.replace(tzinfo=timezone.utc)
    window = _rows(log, since, until)
    found = (_bulk_reads(window, rules) + _after_hours(window, rules)
             + _repeated_denials(window, rules) + _refused_lookups(window))
    return sorted(found, key=lambda a: a.start, reverse=True)


def _rows(log: AuditLog, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The columns the alert rules read, of the records in [since, until) in time order
    (through the time index: a week of a large log, not all of it), each with its time
    parsed once (``_t``)."""
    columns = (records.c.seq, records.c.at, records.c.user, records.c.action,
               records.c.outcome, records.c.target_account)
    with log.engine.connect() as conn:
        rows = conn.execute(select(*columns).where(
            records.c.at >= iso(since), records.c.at < iso(until))
            .order_by(records.c.at, records.c.seq)).mappings().all()
    return [{**row, "_t": parse_iso(row["at"])} for row in rows]
