"""One error shape for the whole service: ``{"error": {"code", "message"}}`` in Chinese.

API paths get JSON; page paths get the same code and message rendered as a page.
"""

from __future__ import annotations

import logging
from urllib.parse import quote
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from search_service.errors import ServiceError

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    404: ("not_found", "没有这个地址"),
    405: ("method_not_allowed", "不支持该请求方法"),
}
_VALIDATION_HINTS = {
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "int_parsing": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，格式 YYYY-MM-DD",
    "literal_error": "可选值为 {expected}",
    "enum": "可选值为 {expected}",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_too_short": "不能为空",
    "string_pattern_mismatch": "格式不正确",
    "too_long": "重复次数过多",
    "missing": "缺少该参数",
}
_PLACES = {"query": "参数", "path": "路径参数", "header": "请求头", "body": "请求体"}


def error_parts(exc: Exception) -> tuple[int, str, str]:
    """(HTTP status, code, Chinese message) of any exception."""
    if isinstance(exc, ServiceError):
        return exc.status, exc.code, exc.message
    if isinstance(exc, RequestValidationError):
        return 422, "invalid_parameter", validation_message(exc.errors())
    if isinstance(exc, (OperationalError, InterfaceError)):  # the database went away
        log.warning("database unavailable: %s", exc)
        return 503, "database_unavailable", "数据库暂时无法访问，请求未执行，请稍后重试或联系管理员"
    if isinstance(exc, HTTPException):
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", "请求无法处理"))
        return exc.status_code, code, message
    log.exception("unexpected error", exc_info=exc)
    return 500, "internal_error", "服务内部错误，请稍后重试或联系管理员"


def validation_message(errors: Any) -> str:
    parts = []
    for error in errors:
        loc = [str(x) for x in error.get("loc", ())]
        place = _PLACES.get(loc[0], "参数") if loc else "参数"
        name = loc[1] if len(loc) > 1 else "?"
        hint = _VALIDATION_HINTS.get(error.get("type", ""), "取值无效")
        ctx = {key: str(value).replace(" or ", "、").replace(", ", "、")
               for key, value in error.get("ctx", {}).items()}
        try:
            hint = hint.format(**ctx)
        except (KeyError, IndexError):
            hint = "取值无效"
        parts.append(f"{place} {name} {hint}")
    return "；".join(dict.fromkeys(parts)) or "请求参数无效"


def error_json(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def is_api(path: str) -> bool:
    """Whether ``path`` answers machines (JSON errors) rather than people (error pages)."""
    return path.startswith("/api/") or path == "/openapi.json"


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    """The error as JSON for the API, as the page with the message and a way back otherwise,
    and also for an API link the browser opened as a page (an export, a file download)."""
    if is_api(request.url.path) and request.headers.get("sec-fetch-dest") != "document":
        return error_json(status, code, message)
    from search_service.api.pages import error_page

    return error_page(request, status, code, message)


async def handle_error(request: Request, exc: Exception) -> Response:
    status, code, message = error_parts(exc)
    if status == 401 and not is_api(request.url.path):
        # a page needs a signed-in user: go and sign in, then come back
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    response = error_response(request, status, code, message)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None and is_api(request.url.path):
        response.headers["Retry-After"] = str(retry_after)
    return response
