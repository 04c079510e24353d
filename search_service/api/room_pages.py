"""The archive room's pages: loans (申请、审批、登记簿), handover (移交、接收) and retention
appraisal (鉴定、销毁清册)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from search_service.access.masking import masked_for as shown
from search_service.access.policy import (can_decide_for, can_keep_archive_room,
                                          can_read_loan_register, can_request_loan,
                                          can_see_personal_data)
from search_service.api.archive_room import units_of
from search_service.api.deps import CurrentUser, Reader
from search_service.api.pages import templates
from search_service.archive_room.lending import MAX_DAYS, MIN_DAYS, PURPOSES
from search_service.errors import ForbiddenError

router = APIRouter(include_in_schema=False)


@router.get("/loans", response_class=HTMLResponse)
def loans_page(request: Request, user: CurrentUser, reader: Reader,
               doc_id: Annotated[str, Query(max_length=32)] = "",
               account_no: Annotated[str, Query(max_length=32)] = "",
               original: Annotated[bool, Query()] = False) -> HTMLResponse:
    if not (can_request_loan(user) or can_read_loan_register(user)):
        raise ForbiddenError("您的角色不能借阅档案，也不能查看借阅登记簿")
    lending = reader.room.lending
    units = units_of(reader) if can_read_loan_register(user) else None
    return templates.TemplateResponse(request, "loans.html", {
        "can_request": can_request_loan(user), "purposes": PURPOSES,
        "min_days": MIN_DAYS, "max_days": MAX_DAYS,
        "prefill": {"doc_id": doc_id, "account_no": account_no, "original": original},
        **shown(user, {
            "mine": lending.mine(user) if can_request_loan(user) else [],
            "pending": lending.pending_for(user, units) if can_keep_archive_room(user) else None,
            "register": lending.register(user, units) if units is not None else None}),
        "can_return": can_keep_archive_room(user),
    })


@router.get("/handovers", response_class=HTMLResponse)
def handovers_page(request: Request, user: CurrentUser, reader: Reader,
                   account_no: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    batches = shown(user, reader.room.handover.batches(user, units_of(reader)))
    return templates.TemplateResponse(request, "handovers.html",
                                      {"batches": batches, "prefill": account_no})


@router.get("/handovers/{batch_id}", response_class=HTMLResponse)
def handover_page(request: Request, batch_id: Annotated[int, Path(ge=1, le=2**31)],
                  user: CurrentUser, reader: Reader) -> HTMLResponse:
    units = units_of(reader)
    batch = shown(user, reader.room.handover.batch(user, units, batch_id))
    return templates.TemplateResponse(request, "handover.html", {
        "batch": batch, "can_decide": can_decide_for(user, units, batch["org"]),
        "can_see_personal": can_see_personal_data(user)})


@router.get("/retention", response_class=HTMLResponse)
def retention_page(request: Request, user: CurrentUser, reader: Reader) -> HTMLResponse:
    units = units_of(reader)
    retention = reader.room.retention
    return templates.TemplateResponse(request, "retention.html", {
        **shown(user, {"due": retention.due(user, units),
                       "register": retention.register(user, units)}),
        "user_name": user.name})
