"""Bounds on what a request may carry: the query string's length and the body's size.

An ASGI middleware, so an oversized body is refused while it arrives (by its
``Content-Length``, or once a chunked body passes the limit), before any route reads it.
Answers are the service's one error shape: 414 ``query_too_long``, 413 ``body_too_large``
(on a page path: the error page, with the same message and a way back).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request

from search_service.api.errors import error_response


class BodyTooLarge(Exception):
    pass


class RequestLimits:
    def __init__(self, app: Any, max_body: int, max_query: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_query = max_query

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_query:
            await _refuse(scope, receive, send, 414, "query_too_long",
                          f"请求参数过长（最多 {self.max_query} 个字符）")
            return
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        seen, too_large = 0, False

        async def counted_receive() -> dict:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: dict) -> None:
            # Whatever the app makes of a body cut short, the answer is 413.
            if not too_large:
                await send(message)
            elif message["type"] == "http.response.start":
                await self._too_large(scope, receive, send)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: dict, receive: Any, send: Any) -> None:
        await _refuse(scope, receive, send, 413, "body_too_large",
                      f"请求内容过大（最多 {self.max_body // 1024} KB）")


async def _refuse(scope: dict, receive: Any, send: Any, status: int, code: str, message: str) -> None:
    await error_response(Request(scope, receive), status, code, message)(scope, receive, send)
