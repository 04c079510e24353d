"""The archive room's API: loans (借阅), handover (移交接收), paper files, retention appraisal.

Routes stay a few lines: the procedures live in :mod:`search_service.archive_room`, who may
do what in :mod:`search_service.access.policy`.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path as Path_
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask
from pydantic import BaseModel, Field

from search_service.access.masking import masked_for as shown
from search_service.access.policy import Units
from search_service.api.deps import CurrentUser, Reader
from search_service.archive_room import reports
from search_service.archive_room.eep.export import EepExport
from search_service.archive_room.lending import MAX_DAYS, MIN_DAYS, LoanRequest
from search_service.archive_room.paper import Place
from search_service.reading.reader import ArchiveReader

router = APIRouter(tags=["档案室"])
XLSX_FILE: dict[str, Any] = {"response_class": Response,
                             "responses": {200: {"content": {reports.XLSX: {}}}}}
PDF_FILE: dict[str, Any] = {"response_class": Response,
                            "responses": {200: {"content": {"application/pdf": {}}}}}

LoanId = Annotated[int, Path(ge=1, le=2**31, description="借阅编号")]
BatchId = Annotated[int, Path(ge=1, le=2**31, description="移交批次编号")]
CaseId = Annotated[int, Path(ge=1, le=2**31, description="销毁申请编号")]
Account = Annotated[str, Path(pattern=r"^[0-9A-Za-z]{1,32}$", description="户号")]
Ident = Annotated[str, Field(max_length=32)]


class LoanIn(BaseModel):
    accounts: list[Ident] = Field(default_factory=list, max_length=200, description="户号")
    doc_ids: list[Ident] = Field(default_factory=list, max_length=200, description="档案编号")
    purpose: str = Field(max_length=16, description="借阅目的（列表中的一项）")
    purpose_text: str = Field("", max_length=500, description="用途说明")
    days: int = Field(MIN_DAYS, description=f"借阅天数（{MIN_DAYS}–{MAX_DAYS}，超出范围时说明原因）")
    original: bool = Field(False, description="借阅原件（不遮蔽）")
    paper: bool = Field(False, description="同时借出实体档案")


class Decision(BaseModel):
    reason: str = Field("", max_length=500)


class Renewal(BaseModel):
    days: int = Field(MIN_DAYS, description=f"续借天数（{MIN_DAYS}–{MAX_DAYS}）")


class HandoverIn(BaseModel):
    accounts: list[Ident] = Field(max_length=100)
    gaps_reason: str = Field("", max_length=500, description="资料不齐全时的移交说明")


class Verdict(BaseModel):
    doc_id: Ident
    accept: bool
    reason: str = Field("", max_length=500)


class Verdicts(BaseModel):
    items: list[Verdict] = Field(max_length=5000)


class PlaceIn(BaseModel):
    store: str = Field("", max_length=32, description="库房")
    cabinet: str = Field("", max_length=32, description="柜")
    shelf: str = Field("", max_length=32, description="架")
    box: str = Field("", max_length=32, description="盒号")


class ProposalIn(BaseModel):
    doc_id: Ident
    reason: str = Field(max_length=500, description="鉴定意见")


class DisposalDecision(BaseModel):
    approve: bool
    reason: str = Field("", max_length=500)


def units_of(reader: ArchiveReader) -> Units:
    return reader.access.units()


def listed(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return {key: items, "count": len(items)}


def attachment(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}",
        "Cache-Control": "private, no-store"})


# --- loans ---------------------------------------------------------------------------------

@router.post("/api/loans", status_code=201, summary="申请借阅")
def request_loan(body: LoanIn, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.lending.request(user, units_of(reader), LoanRequest(
        tuple(body.accounts), tuple(body.doc_ids), body.purpose, body.purpose_text, body.days,
        body.original, body.paper)))


@router.get("/api/loans/mine", summary="我的借阅")
def my_loans(user: CurrentUser, reader: Reader) -> dict:
    return shown(user, listed(reader.room.lending.mine(user), "loans"))


@router.get("/api/loans/pending", summary="待我审批的借阅（档案管理员）")
def pending_loans(user: CurrentUser, reader: Reader) -> dict:
    return shown(user, listed(reader.room.lending.pending_for(user, units_of(reader)), "loans"))


@router.get("/api/loans", summary="借阅登记簿（档案管理员、审计员）")
def loan_register(user: CurrentUser, reader: Reader,
                  status: Annotated[str, Query(pattern=r"^(|pending|approved|refused|returned|"
                                                       r"expired|overdue)$")] = "") -> dict:
    loans = reader.room.lending.register(user, units_of(reader), status)
    return shown(user, listed(loans, "loans"))


@router.get("/api/loans/register.xlsx", summary="导出借阅登记簿（Excel）", **XLSX_FILE)
def loan_register_xlsx(user: CurrentUser, reader: Reader) -> Response:
    loans = shown(user, reader.room.lending.register(user, units_of(reader)))
    return attachment(reports.loans_xlsx(loans), reports.XLSX, "借阅登记簿.xlsx")


@router.get("/api/loans/{loan_id}", summary="一笔借阅")
def loan(loan_id: LoanId, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.lending.get(user, units_of(reader), loan_id))


@router.post("/api/loans/{loan_id}/approve", summary="批准借阅（所属单位档案管理员）")
def approve_loan(loan_id: LoanId, body: Decision, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.lending.decide(user, units_of(reader), loan_id, True,
                                                  body.reason))


@router.post("/api/loans/{loan_id}/refuse", summary="拒绝借阅（须填理由）")
def refuse_loan(loan_id: LoanId, body: Decision, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.lending.decide(user, units_of(reader), loan_id, False,
                                                  body.reason))


@router.post("/api/loans/{loan_id}/return", summary="归还借阅")
def return_loan(loan_id: LoanId, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.lending.end(user, units_of(reader), loan_id))


@router.post("/api/loans/{loan_id}/renew", status_code=201, summary="续借（须重新审批）")
def renew_loan(loan_id: LoanId, body: Renewal, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.lending.renew(user, units_of(reader), loan_id, body.days))


# --- handover ------------------------------------------------------------------------------

@router.post("/api/handovers/check", summary="移交前检查：将移交的档案与缺少的资料")
def check_handover(body: HandoverIn, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.handover.check(user, units_of(reader), body.accounts))


@router.post("/api/handovers", status_code=201, summary="提交移交批次")
def submit_handover(body: HandoverIn, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.handover.submit(user, units_of(reader), body.accounts,
                                                   body.gaps_reason))


@router.get("/api/handovers", summary="本单位的移交批次")
def handovers(user: CurrentUser, reader: Reader) -> dict:
    return shown(user, listed(reader.room.handover.batches(user, units_of(reader)), "batches"))


@router.get("/api/handovers/{batch_id}", summary="一个移交批次及其档案")
def handover(batch_id: BatchId, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.handover.batch(user, units_of(reader), batch_id))


@router.post("/api/handovers/{batch_id}/decisions", summary="接收或退回档案（档案管理员）")
def decide_handover(batch_id: BatchId, body: Verdicts, user: CurrentUser,
                    reader: Reader) -> dict:
    verdicts = {v.doc_id: (v.accept, v.reason) for v in body.items}
    return shown(user, reader.room.handover.decide(user, units_of(reader), batch_id, verdicts))


@router.get("/api/handovers/{batch_id}/list.pdf", summary="移交清单（PDF）", **PDF_FILE)
def handover_pdf(batch_id: BatchId, user: CurrentUser, reader: Reader) -> Response:
    batch = shown(user, reader.room.handover.batch(user, units_of(reader), batch_id))
    return attachment(reports.handover_pdf(batch), "application/pdf",
                      f"移交清单_{batch['batch_no']}.pdf")


@router.get("/api/handovers/{batch_id}/list.xlsx", summary="移交清单（Excel）", **XLSX_FILE)
def handover_xlsx(batch_id: BatchId, user: CurrentUser, reader: Reader) -> Response:
    batch = shown(user, reader.room.handover.batch(user, units_of(reader), batch_id))
    return attachment(reports.handover_xlsx(batch), reports.XLSX,
                      f"移交清单_{batch['batch_no']}.xlsx")


@router.get("/api/handovers/{batch_id}/eep.zip", summary="导出电子档案封装包（EEP，已接收的档案）",
            response_class=FileResponse,
            responses={200: {"content": {"application/zip": {}}}})
def handover_eep(batch_id: BatchId, user: CurrentUser, reader: Reader) -> FileResponse:
    folder = Path_(tempfile.mkdtemp(prefix="eep-"))
    try:
        done = EepExport(reader).export(user, batch_id, folder / "export.zip")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(done.path, media_type="application/zip", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(done.file_name, safe='')}",
        "Cache-Control": "private, no-store"},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


# --- paper files ---------------------------------------------------------------------------

@router.get("/api/paper", summary="查找实体档案位置")
def paper_files(user: CurrentUser, reader: Reader,
                q: Annotated[str, Query(max_length=64, description="户号或库房、柜、架、盒号")] = ""
                ) -> dict:
    return shown(user, listed(reader.room.paper.find(user, units_of(reader), q),
                              "locations"))


@router.put("/api/customers/{account_no}/paper", summary="登记实体档案位置（档案管理员）")
def set_paper(account_no: Account, body: PlaceIn, user: CurrentUser, reader: Reader) -> dict:
    place = Place(body.store.strip(), body.cabinet.strip(), body.shelf.strip(), body.box.strip())
    return shown(user, reader.room.paper.set(user, units_of(reader), account_no, place))


# --- retention -----------------------------------------------------------------------------

@router.get("/api/retention/due", summary="保管期限已满、待鉴定的档案（档案管理员）")
def retention_due(user: CurrentUser, reader: Reader) -> dict:
    return shown(user, listed(reader.room.retention.due(user, units_of(reader)),
                              "documents"))


@router.post("/api/retention/proposals", status_code=201, summary="提出销毁")
def propose_disposal(body: ProposalIn, user: CurrentUser, reader: Reader) -> dict:
    return shown(user, reader.room.retention.propose(user, units_of(reader), body.doc_id,
                                                     body.reason))


@router.post("/api/retention/cases/{case_id}/decision", summary="审批销毁（另一位档案管理员）")
def decide_disposal(case_id: CaseId, body: DisposalDecision, user: CurrentUser,
                    reader: Reader) -> dict:
    return shown(user, reader.room.retention.decide(user, units_of(reader), case_id, body.approve,
                                                    body.reason))


@router.get("/api/retention/register", summary="销毁清册")
def disposal_register(user: CurrentUser, reader: Reader) -> dict:
    return shown(user, listed(reader.room.retention.register(user, units_of(reader)), "cases"))


@router.get("/api/retention/register.xlsx", summary="导出销毁清册（Excel）", **XLSX_FILE)
def disposal_register_xlsx(user: CurrentUser, reader: Reader) -> Response:
    cases = shown(user, reader.room.retention.register(user, units_of(reader)))
    return attachment(reports.disposals_xlsx(cases), reports.XLSX, "销毁清册.xlsx")
