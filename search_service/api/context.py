"""Where each request comes from, for the access log: client address, browser, request id.

A plain ASGI middleware sets :data:`search_service.audit.current_request` for the request's
duration (routes and their worker threads inherit it) and returns the request id in the
``X-Request-ID`` response header, so a user's complaint can be matched to its record.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders

from search_service.audit import RequestInfo, current_request

_REQUEST_ID = re.compile(r"^[0-9A-Za-z._\-]{1,64}$")


class RequestContext:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        client = scope.get("client")
        token = current_request.set(RequestInfo(
            client_ip=client[0] if client else "", user_agent=headers.get("user-agent", ""),
            request_id=request_id))

        async def send_with_id(message: dict) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            current_request.reset(token)
