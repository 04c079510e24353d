"""The Chinese web page: search, customer and document pages rendered on the server.

All state lives in the URL (``/?q=明远&org=城东供电所&page=2``), so the back button and
shared links work, and the page needs no build step and little JavaScript.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from search_service.access.alerts import find_alerts
from search_service.access.audit import ACTIONS
from search_service.access.policy import ROLES, can_manage_users, can_read_audit
from search_service.api.audit import FormFilters, events
from search_service.api.deps import AccessControl, Auditor, CurrentUser, Reader
from search_service.api.documents import DocId
from search_service.api.page_model import (FACET_TITLES, LinkBuilder, customers_in, document_title,
                                           facet_groups, pages_around, reading_notices,
                                           suggestions, understood_chips)
from search_service.api.params import SearchQuery
from search_service.timefmt import beijing
import web

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=web.TEMPLATES_DIR)
templates.env.globals["role_labels"] = {name: role.label for name, role in ROLES.items()}
templates.env.filters["beijing"] = beijing
templates.env.filters["doc_title"] = document_title
AUDIT_PAGE_SIZE = 50


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    """Browsers ask for /favicon.ico whatever the page names: the page's icon."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str, Query(max_length=2000)] = "/"
               ) -> HTMLResponse:
    return templates.TemplateResponse(request, "login.html", {"next": same_site_path(next)})


def same_site_path(target: str) -> str:
    """``target`` if it is a path on this site, else ``/``. Browsers read ``\\`` as ``/`` and
    drop tabs and newlines, so ``/\\host`` and ``/<tab>/host`` lead to another site: a path
    starts with one ``/``, holds no backslash and no control character, and names no host."""
    if (not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target)):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: Auditor, filters: FormFilters, access: AccessControl,
               reader: Reader, page: Annotated[int, Query(ge=1, le=100000)] = 1) -> HTMLResponse:
    view = events(access, user, filters, page, AUDIT_PAGE_SIZE)
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "page" and v]
    return templates.TemplateResponse(request, "audit.html", {
        "view": view, "filters": filters, "chain": access.audit.verify_recent(),
        "alerts": [a.to_dict() for a in reader.room.lending.overdue_alerts()
                   + find_alerts(access.audit, access.alert_rules)],
        "actions": ACTIONS, "query": urlencode(items),
        "since": request.query_params.get("since", ""),
        "until": request.query_params.get("until", ""),
        "query_for": lambda n: urlencode(items + [("page", str(n))]),
    })


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, params: SearchQuery, user: CurrentUser,
                reader: Reader) -> Response:
    if can_read_audit(user):
        return RedirectResponse("/audit", status_code=303)
    if can_manage_users(user):
        return RedirectResponse("/admin", status_code=303)
    result = reader.search(user, params)
    links = LinkBuilder(request.url.path, list(request.query_params.multi_items()))
    return templates.TemplateResponse(request, "search.html", {
        "params": params, "result": result, "links": links, "facet_titles": FACET_TITLES,
        "facet_groups": facet_groups(result),
        "pages": pages_around(result.page, result.total, result.page_size),
        "suggestions": suggestions(params, result, links) if not result.total else [],
        "customers": customers_in(result.hits) if params.q.strip() else [],
        "chips": understood_chips(result, links),
        "notices": reading_notices(result, links),
    })


@router.get("/failed", response_class=HTMLResponse)
def failed_page(request: Request, user: CurrentUser, reader: Reader) -> HTMLResponse:
    return templates.TemplateResponse(request, "failed.html",
                                      {"files": reader.failed_files(user)})


@router.get("/customers/{account_no}", response_class=HTMLResponse)
def customer_page(request: Request, account_no: Annotated[str, Path(max_length=64)],
                  user: CurrentUser, reader: Reader) -> HTMLResponse:
    return templates.TemplateResponse(request, "customer.html",
                                      {"view": reader.customer(user, account_no)})


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: DocId, user: CurrentUser, reader: Reader,
                  q: Annotated[str, Query(max_length=500)] = "") -> HTMLResponse:
    return templates.TemplateResponse(request, "document.html",
                                      {"doc": reader.document(user, doc_id, q), "q": q})


def error_page(request: Request, status: int, code: str, message: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "error.html",
                                      {"status": status, "code": code, "message": message},
                                      status_code=status)
