"""The search parameters of a request, shared by ``/api/search`` and the search page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Query

from search_service.query.understand import QueryContext
from search_service.reading.search import MAX_PAGE_SIZE, SearchParams

MAX_PAGE = 1000  # deep pages cost page × page_size collected hits
MAX_QUERY = 500



async def search_params(  # async: parsing only, no thread hop
    q: Annotated[str, Query(max_length=MAX_QUERY, description="检索词；可为空（仅按筛选条件浏览）")] = "",
    doc_type: Annotated[list[str], Query(description="档案类别代码，如 JC03（可重复）")] = [],
    org: Annotated[list[str], Query(description="供电单位（可重复）")] = [],
    year: Annotated[list[str], Query(description="形成年份（可重复）")] = [],
    customer_class: Annotated[list[str], Query(description="用户分类（可重复）")] = [],
    elec_type: Annotated[list[str], Query(description="用电类别（可重复）")] = [],
    volt_level: Annotated[list[str], Query(description="电压等级（可重复）")] = [],
    hazard_status: Annotated[list[str], Query(description="隐患整改状态（可重复）")] = [],
    file_type: Annotated[list[str], Query(description="文件格式，如 pdf（可重复）")] = [],
    text_source: Annotated[list[str], Query(
        description="文字来源：文字层 / OCR识别 / 文字层+OCR / OCR识别（低置信度）（可重复）")] = [],
    complete: Annotated[list[str], Query(description="资料齐全：齐全 / 不齐全（可重复）")] = [],
    missing_types: Annotated[list[str], Query(
        description="客户缺少的档案类别代码，如 YK11（可重复）")] = [],
    hazard_overdue: Annotated[list[str], Query(description="隐患逾期：是 / 否（可重复）")] = [],
    contract_state: Annotated[list[str], Query(
        description="合同到期：已过期 / 即将到期 / 有效 / 无合同（可重复）")] = [],
    handover_status: Annotated[list[str], Query(
        description="移交状态：未移交 / 待接收 / 已接收 / 退回（可重复）")] = [],
    date_from: Annotated[date | None, Query(description="形成日期起（含），YYYY-MM-DD")] = None,
    date_to: Annotated[date | None, Query(description="形成日期止（含），YYYY-MM-DD")] = None,
    account_no: Annotated[str, Query(max_length=64, description="户号")] = "",
    without: Annotated[list[str], Query(
        description="去掉的检索理解：检索式中的这些词不再作为筛选条件（可重复）")] = [],
    sort: Literal["relevance", "date_desc", "date_asc"] = "relevance",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
) -> SearchParams:
    filters = {"doc_type": doc_type, "org": org, "year": year, "customer_class": customer_class,
               "elec_type": elec_type, "volt_level": volt_level,
               "hazard_status": hazard_status, "file_type": file_type, "text_source": text_source,
               "complete": complete, "missing_types": missing_types,
               "hazard_overdue": hazard_overdue, "contract_state": contract_state,
               "handover_status": handover_status}
    return SearchParams(
        q=q, filters={k: tuple(dict.fromkeys(v)) for k, v in filters.items() if v},
        date_from=date_from.isoformat() if date_from else "",
        date_to=date_to.isoformat() if date_to else "",
        account_no=account_no.strip(), sort=sort, page=page, page_size=page_size,
        context=QueryContext(without=frozenset(without)) if without else None,
    )


SearchQuery = Annotated[SearchParams, Depends(search_params)]
