"""Security headers on every answer (docs/security.md, "Headers").

Pages run only the scripts and styles served from /static (no inline script, no event
handler attributes: the templates keep them in web/static/*.js), cannot be framed, are not
sniffed into another type, and send no address of a page (which may carry a customer's name
in its query) to another site. Every answer except the static files is ``no-store``: pages,
API answers, page images and files carry archive content or personal data, and a shared
computer's browser cache must not keep them.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
NO_STORE = "private, no-store"
CACHEABLE_PREFIX = "/static/"  # the page's own scripts, styles and fonts: nothing personal


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        personal = not scope.get("path", "").startswith(CACHEABLE_PREFIX)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if personal:
                    headers["Cache-Control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_with_headers)
