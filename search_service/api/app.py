"""The web application: ``create_app(settings)`` wires routes, the page and error handling."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from search_service.access.control import Access
from search_service.api import admin as admin_api
from search_service.api import admin_page
from search_service.api import (archive_room, audit, auth, customers, documents, failed,
                                health, oversight, oversight_pages, pages, room_pages, search,
                                tokens, viewer)
from search_service.api.context import RequestContext
from search_service.api.errors import handle_error
from search_service.api.headers import SecurityHeaders
from search_service.api.limits import RequestLimits
from search_service.api.models import ErrorResponse
from search_service.config import Settings
from search_service.errors import ServiceError
from search_service.reading.oversight import Oversight
from search_service.reading.reader import ArchiveReader
from search_service.viewer.page_cache import warm_engine
import web

_ERROR_RESPONSES = {status: {"model": ErrorResponse} for status in (400, 401, 403, 404, 413, 414, 422, 503)}


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="客户档案检索", version="0.1.0",
        description="供电企业客户档案全文检索服务。所有错误均为 {\"error\": {\"code\", \"message\"}}。",
        responses=_ERROR_RESPONSES,
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; intranets have none
    )
    app.state.settings = settings
    app.state.access = Access(settings)  # refuses to start without a proper secret
    app.state.reader = ArchiveReader(settings, app.state.access)
    app.state.oversight = Oversight(app.state.reader)
    app.add_middleware(RequestLimits, max_body=settings.max_body_kb * 1024,
                       max_query=settings.max_query_chars)
    app.add_middleware(SecurityHeaders)  # on every answer, refusals of the limits included
    # outermost: every answer carries its request id
    app.add_middleware(RequestContext, trusted_proxies=settings.trusted_proxies)
    for area in (auth, search, documents, customers, failed, audit, health, oversight,
                 archive_room, viewer, room_pages, pages, oversight_pages):
        app.include_router(area.router)
    for router in (admin_api.router, admin_page.router, tokens.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    for exc_type in (ServiceError, RequestValidationError, HTTPException, Exception):
        app.add_exception_handler(exc_type, handle_error)
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn (``--factory``): each worker builds its app from the environment,
    and loads the OCR models in the background for the first masked scan it shows."""
    app = create_app(Settings.from_env())
    warm_engine()
    return app
