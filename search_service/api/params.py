"""The search parameters of a request, shared by ``/api/search`` and the search page.

They are one model, :class:`SearchForm`, validated in one pass from the query string: FastAPI
declaring 22 parameters one by one would inspect each of them again on every request
(0.13 ms of a search's few, ``docs/benchmarks.md``). The routes document them in OpenAPI from
the same model (:data:`SEARCH_PARAMETERS`); an invalid one is answered as FastAPI would (422,
``invalid_parameter``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from indexer.schema import FACET_FIELDS
from search_service.query.understand import QueryContext
from search_service.reading.search import MAX_PAGE_SIZE, SearchParams

MAX_PAGE = 1000  # deep pages cost page × page_size collected hits
MAX_QUERY = 500


def _many(description: str) -> Any:
    return Field(default_factory=list, description=f"{description}（可重复）")


class SearchForm(BaseModel):
    """What a search request may say in its query string."""

    model_config = ConfigDict(extra="ignore")

    q: str = Field("", max_length=MAX_QUERY, description="检索词；可为空（仅按筛选条件浏览）")
    doc_type: list[str] = _many("档案类别代码，如 JC03")
    org: list[str] = _many("供电单位")
    year: list[str] = _many("形成年份")
    customer_class: list[str] = _many("用户分类")
    elec_type: list[str] = _many("用电类别")
    volt_level: list[str] = _many("电压等级")
    hazard_status: list[str] = _many("隐患整改状态")
    file_type: list[str] = _many("文件格式，如 pdf")
    text_source: list[str] = _many(
        "文字来源：文字层 / OCR识别 / 文字层+OCR / OCR识别（低置信度）")
    complete: list[str] = _many("资料齐全：齐全 / 不齐全")
    missing_types: list[str] = _many("客户缺少的档案类别代码，如 YK11")
    hazard_overdue: list[str] = _many("隐患逾期：是 / 否")
    contract_state: list[str] = _many("合同到期：已过期 / 即将到期 / 有效 / 无合同")
    handover_status: list[str] = _many("移交状态：未移交 / 待接收 / 已接收 / 退回")
    date_from: date | None = Field(None, description="形成日期起（含），YYYY-MM-DD")
    date_to: date | None = Field(None, description="形成日期止（含），YYYY-MM-DD")
    account_no: str = Field("", max_length=64, description="户号")
    without: list[str] = _many("去掉的检索理解：检索式中的这些词不再作为筛选条件")
    sort: Literal["relevance", "date_desc", "date_asc"] = "relevance"
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


_FILTERS = tuple(name for name in SearchForm.model_fields if name in FACET_FIELDS)
_REPEATED = frozenset(name for name, field in SearchForm.model_fields.items()
                      if field.default_factory is list)


def _parameters() -> list[dict[str, Any]]:
    """The form's fields as OpenAPI query parameters."""
    properties = SearchForm.model_json_schema()["properties"]
    return [{"name": name, "in": "query", "required": False,
             **({"description": schema["description"]} if "description" in schema else {}),
             "schema": {k: v for k, v in schema.items() if k != "description"}}
            for name, schema in properties.items()]


SEARCH_PARAMETERS = _parameters()  # for a route's ``openapi_extra``


async def search_params(request: Request) -> SearchParams:  # async: parsing only, no hop
    given = request.query_params
    try:
        form = SearchForm.model_validate({
            name: given.getlist(name) if name in _REPEATED else given[name]
            for name in SearchForm.model_fields if name in given})
    except ValidationError as exc:
        raise RequestValidationError([{**error, "loc": ("query", *error["loc"])}
                                      for error in exc.errors()]) from exc
    filters = {name: getattr(form, name) for name in _FILTERS}
    return SearchParams(
        q=form.q, filters={k: tuple(dict.fromkeys(v)) for k, v in filters.items() if v},
        date_from=form.date_from.isoformat() if form.date_from else "",
        date_to=form.date_to.isoformat() if form.date_to else "",
        account_no=form.account_no.strip(), sort=form.sort, page=form.page,
        page_size=form.page_size,
        context=QueryContext(without=frozenset(form.without)) if form.without else None,
    )


SearchQuery = Annotated[SearchParams, Depends(search_params)]
