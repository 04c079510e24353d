"""The 档案管理 pages: the numbers of one's units, the lists behind them, the assessment
dashboard with SVG charts, and spot checks. Rendered on the server; state in the URL."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from search_service.access.policy import can_spot_check
from search_service.api.deps import CurrentUser
from search_service.api.oversight import (CheckId, ListName, Missing, Org, Overseer, Period,
                                          Within)
from search_service.api.pages import templates
from search_service.oversight.assessment import shown
from search_service.oversight.charts import bar_chart, line_chart
from search_service.oversight.followup import LISTS
from search_service.oversight.spotcheck import ITEMS, RESULTS

router = APIRouter(include_in_schema=False)
PAGE_ROWS = 500  # a list's page shows this many rows; the Excel export has them all


@router.get("/manage", response_class=HTMLResponse)
def manage_page(request: Request, user: CurrentUser, service: Overseer, org: Org = ""
                ) -> HTMLResponse:
    return templates.TemplateResponse(request, "manage.html", {
        "view": service.overview(user, org), "org": org, "lists": LISTS})


@router.get("/manage/lists/{name}", response_class=HTMLResponse)
def list_page(request: Request, name: ListName, user: CurrentUser, service: Overseer,
              org: Org = "", period: Period = "", within: Within = None, missing: Missing = ""
              ) -> HTMLResponse:
    view = service.work_list(user, name, org, period, within, missing)
    return templates.TemplateResponse(request, "manage_list.html", {
        "view": view, "missing": missing, "within": within, "page_rows": PAGE_ROWS,
        "export_query": urlencode([("list", name)] + [
            (k, v) for k, v in request.query_params.multi_items() if v])})


@router.get("/manage/assessment", response_class=HTMLResponse)
def assessment_page(request: Request, user: CurrentUser, service: Overseer,
                    period: Period = "", org: Org = "") -> HTMLResponse:
    report = service.assessment(user, period, org)
    units = [row for row in report["rows"] if row["org"] != "合计"]
    charts = []
    for figure in report["figures"]:
        values = [row["figures"][figure["key"]]["value"] for row in units]
        top = 1.0 if figure["rate"] else max([v or 0 for v in values] + [1])
        charts.append(bar_chart(figure["title"], [
            (row["org"], value, shown(value, figure["rate"]))
            for row, value in zip(units, values)], top))
    trend = report.get("trend", [])
    trend_chart = line_chart("月度趋势（资料齐全率、归档及时率）", [t["month"] for t in trend], [
        ("资料齐全率", [t["completeness"] for t in trend]),
        ("归档及时率", [t["timeliness"] for t in trend])])
    return templates.TemplateResponse(request, "assessment.html", {
        "report": report, "charts": charts, "trend_chart": trend_chart, "org": org,
        "period": period, "shown": shown, "query": request.url.query,
        "units": _pickable_units(service, user)})


@router.get("/manage/spot-checks", response_class=HTMLResponse)
def spot_checks_page(request: Request, user: CurrentUser, service: Overseer) -> HTMLResponse:
    checks = service.spot_checks(user)
    return templates.TemplateResponse(request, "spot_checks.html", {
        "checks": checks, "can_check": can_spot_check(user),
        "units": _pickable_units(service, user)})


def _pickable_units(service: Overseer, user: CurrentUser) -> list[tuple[str, int]]:
    """The units a picker offers ``user``: their unit and those below, in tree order, each
    with its depth (the picker indents by it)."""
    return service.unit_tree().outline(user.org)


@router.get("/manage/spot-checks/{check_id}", response_class=HTMLResponse)
def spot_check_page(request: Request, check_id: CheckId, user: CurrentUser, service: Overseer
                    ) -> HTMLResponse:
    return templates.TemplateResponse(request, "spot_check.html", {
        "check": service.spot_check(user, check_id), "results": RESULTS, "items": ITEMS,
        "can_check": can_spot_check(user)})

