"""The auditor's API: ``/api/audit/events`` (and ``.csv``), ``/verify``, ``/alerts``.

Only auditors get in; every use is itself a record in the log.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from search_service.access.alerts import find_alerts
from search_service.access.audit import ACTIONS, Event, Filters
from search_service.access.control import Access
from search_service.access.users import User
from search_service.api.deps import AccessControl, Auditor, Reader
from search_service.api.models import Alerts, AuditEvents, ChainStatus
from search_service.errors import QueryError
from search_service.timefmt import BEIJING

router = APIRouter()
MAX_AUDIT_PAGE_SIZE = 200


Action = Literal[tuple(ACTIONS)]  # type: ignore[valid-type]


def bound(value: datetime | date | None, end: bool = False,
          zone: tzinfo = timezone.utc) -> datetime | None:
    """A filter bound in UTC; a bare date means that whole day in ``zone`` (an end date is
    inclusive)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        try:
            return moment.astimezone(timezone.utc)
        except OverflowError:  # an offset pushing year 1 or 9999 past the calendar
            return None
    if end and value == date.max:
        return None  # the end of time: no bound
    try:
        moment = datetime.combine(value, time(0), tzinfo=zone)
        return (moment + timedelta(days=1) if end else moment).astimezone(timezone.utc)
    except OverflowError:
        return None


def audit_filters(
    user: Annotated[str, Query(max_length=64, description="用户名")] = "",
    account: Annotated[str, Query(max_length=32, description="户号")] = "",
    doc: Annotated[str, Query(max_length=64, description="档案编号")] = "",
    action: Annotated[list[Action], Query(description="操作代码（可重复）")] = [],
    outcome: Literal["", "allowed", "denied"] = "",
    since: Annotated[date | datetime | None, Query(description="起始（UTC）：日期或时间")] = None,
    until: Annotated[date | datetime | None, Query(description="截止（UTC）：日期含当日")] = None,
) -> Filters:
    return Filters(user=user.strip(), account=account.strip(), doc=doc.strip(),
                   actions=tuple(action), outcome=outcome, since=bound(since),
                   until=bound(until, end=True))


def form_filters(
    user: Annotated[str, Query(max_length=64)] = "",
    account: Annotated[str, Query(max_length=32)] = "",
    doc: Annotated[str, Query(max_length=64)] = "",
    action: Annotated[list[Literal[("",) + tuple(ACTIONS)]], Query()] = [],  # type: ignore[valid-type]
    outcome: Literal["", "allowed", "denied"] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
) -> Filters:
    """The same filters from the auditor page's form, where empty fields mean "any" and
    dates are Beijing days (the page shows Beijing time)."""
    return Filters(user=user.strip(), account=account.strip(), doc=doc.strip(),
                   actions=tuple(a for a in action if a), outcome=outcome,
                   since=bound(_form_date(since), zone=BEIJING),
                   until=bound(_form_date(until), end=True, zone=BEIJING))


def _form_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text.strip() else None
    except ValueError as exc:
        raise QueryError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD") from exc


AuditFilters = Annotated[Filters, Depends(audit_filters)]
FormFilters = Annotated[Filters, Depends(form_filters)]


def describe(filters: Filters) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else list(v) if isinstance(v, tuple)
                else v) for k, v in vars(filters).items() if v}


def events(access: Access, user: User, filters: Filters, page: int, page_size: int) -> dict:
    access.audit.append(Event.by(user, "audit_query", details={
        **describe(filters), "page": page}))
    total, records = access.audit.query(filters, page, page_size)
    return {"total": total, "page": page, "page_size": page_size, "records": records}


@router.get("/api/audit/events", response_model=AuditEvents, summary="查询访问日志（审计管理员）")
def list_events(user: Auditor, filters: AuditFilters, access: AccessControl,
                page: Annotated[int, Query(ge=1, le=100000)] = 1,
                page_size: Annotated[int, Query(ge=1, le=MAX_AUDIT_PAGE_SIZE)] = 50) -> dict:
    return events(access, user, filters, page, page_size)


@router.get("/api/audit/events.csv", response_class=StreamingResponse,
            summary="导出访问日志为 CSV（UTF-8 带 BOM，审计管理员）",
            responses={200: {"content": {"text/csv": {}}}})
def export_events(user: Auditor, filters: AuditFilters, access: AccessControl
                  ) -> StreamingResponse:
    access.audit.append(Event.by(user, "audit_export", details=describe(filters)))
    name = f"access-log-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.csv"
    return StreamingResponse(
        (chunk.encode("utf-8") for chunk in access.audit.export_csv(filters)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/audit/verify", response_model=ChainStatus, summary="校验访问日志的哈希链（审计管理员）")
def verify(user: Auditor, access: AccessControl,
           full: Annotated[bool, Query(description="true：逐条校验全部记录（大日志需较长时间）；"
                                                    "默认只校验最近一个校验点之后的记录")] = False
           ) -> dict:
    status = access.audit.verify() if full else access.audit.verify_recent()
    access.audit.append(Event.by(user, "audit_verify", details=status.to_dict()))
    return status.to_dict()


@router.get("/api/audit/alerts", response_model=Alerts, summary="告警：批量查阅、非工作时间、多次被拒（审计管理员）")
def alerts(user: Auditor, access: AccessControl, reader: Reader,
           since: Annotated[date | datetime | None, Query(description="起始（默认 7 天前）")] = None,
           until: Annotated[date | datetime | None, Query(description="截止（默认现在）")] = None
           ) -> dict:
    access.audit.append(Event.by(user, "audit_alerts"))
    found = find_alerts(access.audit, access.alert_rules, bound(since), bound(until, end=True))
    return {"alerts": [a.to_dict() for a in reader.room.lending.overdue_alerts() + found]}
