"""Oversight API (档案管理): completeness, work lists, assessment, spot checks; Excel and PDF.

Every route calls :class:`~search_service.reading.oversight.Oversight`, which scopes, masks
and logs; the routes only translate HTTP.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from search_service.api.deps import CurrentUser
from search_service.oversight.export import XLSX_MEDIA_TYPE
from search_service.oversight.spotcheck import MAX_SIZE
from search_service.reading.oversight import LIST_NAMES, Oversight

router = APIRouter()


def oversight(request: Request) -> Oversight:
    return request.app.state.oversight


Overseer = Annotated[Oversight, Depends(oversight)]
Org = Annotated[str, Query(max_length=128, description="供电单位（含下级），默认为权限范围内全部")]
Period = Annotated[str, Query(max_length=16, description="期间：2024、2024Q3 或 2024-07")]
ListName = Annotated[str, Path(description=f"清单：{' / '.join(LIST_NAMES)}")]
Within = Annotated[int | None, Query(ge=0, le=3650, description="合同到期提醒天数（默认按规则）")]
Missing = Annotated[str, Query(max_length=8, description="只列缺少该档案类别的客户，如 YK08")]
CheckId = Annotated[int, Path(ge=1, le=2**31 - 1, description="抽查编号")]


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.get("/api/oversight/overview", summary="档案管理概况：资料齐全与各督办清单条数")
def overview(user: CurrentUser, service: Overseer, org: Org = "") -> dict:
    return service.overview(user, org)


@router.get("/api/oversight/lists/{name}", summary="督办清单（资料不齐全、隐患逾期、合同到期、检查逾期、归档不及时）")
def work_list(name: ListName, user: CurrentUser, service: Overseer, org: Org = "",
              period: Period = "", within: Within = None, missing: Missing = "") -> dict:
    return service.work_list(user, name, org, period, within, missing)


XLSX = {200: {"content": {XLSX_MEDIA_TYPE: {}}}}
PDF = {200: {"content": {"application/pdf": {}}}}


@router.get("/api/oversight/export.xlsx", summary="督办清单导出为 Excel（每个清单一张工作表）",
            response_class=Response, responses=XLSX)
def export_lists(user: CurrentUser, service: Overseer,
                 names: Annotated[list[str], Query(alias="list", max_length=8)] = list(LIST_NAMES),
                 org: Org = "", period: Period = "", within: Within = None, missing: Missing = ""
                 ) -> Response:
    content = service.export_lists(user, names, org, period, within, missing)
    return attachment(content, XLSX_MEDIA_TYPE, "档案督办清单.xlsx")


@router.get("/api/oversight/assessment", summary="单位考核：各项指标、计算公式与月度趋势")
def assessment(user: CurrentUser, service: Overseer, period: Period = "", org: Org = "") -> dict:
    return service.assessment(user, period, org)


@router.get("/api/oversight/assessment.xlsx", summary="单位考核导出为 Excel（每项指标一张工作表）",
            response_class=Response, responses=XLSX)
def assessment_xlsx(user: CurrentUser, service: Overseer, period: Period = "", org: Org = ""
                    ) -> Response:
    return attachment(service.export_assessment(user, period, org), XLSX_MEDIA_TYPE,
                      "单位考核.xlsx")


class NewSpotCheck(BaseModel):
    org: str = Field(min_length=1, max_length=128, description="被抽查的供电单位")
    size: int = Field(ge=1, le=MAX_SIZE, description="抽查户数")
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1, description="随机种子（不填则随机生成并记录）")
    stratified: bool = Field(default=True, description="按用户分类分层抽样")


class ItemResult(BaseModel):
    account_no: str = Field(min_length=1, max_length=32)
    item: str = Field(min_length=1, max_length=32, description="binding / signatures / consistency")
    result: str = Field(description="合格 或 不合格")
    note: str = Field(default="", max_length=500)


@router.get("/api/spot-checks", summary="抽查列表（权限范围内）")
def spot_checks(user: CurrentUser, service: Overseer) -> dict:
    found = service.spot_checks(user)
    return {"total": len(found), "spot_checks": found}


@router.post("/api/spot-checks", status_code=201, summary="抽取样本，创建抽查")
def create_spot_check(body: NewSpotCheck, user: CurrentUser, service: Overseer) -> dict:
    check_id = service.create_spot_check(user, body.org, body.size, body.seed, body.stratified)
    return {"id": check_id}


@router.get("/api/spot-checks/{check_id}", summary="抽查详情：样本与检查项目")
def spot_check(check_id: CheckId, user: CurrentUser, service: Overseer) -> dict:
    return service.spot_check(user, check_id)


@router.put("/api/spot-checks/{check_id}/items",
            summary="填写一项人工检查结果；返回待填写项数与合格户数")
def record_item(check_id: CheckId, body: ItemResult, user: CurrentUser, service: Overseer
                ) -> dict:
    return service.record(user, check_id, body.account_no, body.item, body.result, body.note)


@router.post("/api/spot-checks/{check_id}/finish", summary="完成抽查（之后只读）")
def finish_spot_check(check_id: CheckId, user: CurrentUser, service: Overseer) -> dict:
    return service.finish(user, check_id)


@router.get("/api/spot-checks/{check_id}/report.pdf", summary="抽查报告（PDF，可打印）",
            response_class=Response, responses=PDF)
def spot_check_report(check_id: CheckId, user: CurrentUser, service: Overseer) -> Response:
    return attachment(service.report_pdf(user, check_id), "application/pdf",
                      f"抽查报告_{check_id}.pdf")
