"""Where each request comes from, for the access log: client address, browser, request id.

A plain ASGI middleware sets :data:`search_service.access.audit.current_request` for the request's
duration (routes and their worker threads inherit it) and returns the request id in the
``X-Request-ID`` response header, so a user's complaint can be matched to its record.

The request id is always made here; an ``X-Request-ID`` the client sent is kept beside it
(in the record's details), never instead of it. The client address is the connection's
peer; ``X-Forwarded-For`` is read only when that peer is one of the proxies named in
``ARCHIVE_SEARCH_TRUSTED_PROXIES`` (default: none), and then the address is the last one
in the chain that is not itself a trusted proxy (docs/security.md, "Behind a proxy").
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders

from search_service.access.audit import RequestInfo, current_request
from search_service.config import Network, parse_proxies

_REQUEST_ID = re.compile(r"^[0-9A-Za-z._\-]{1,64}$")
def client_address(peer: str, forwarded_for: str, proxies: tuple[Network, ...]) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy; then walk
    ``X-Forwarded-For`` from the right past trusted proxies (a client may write anything on
    the left of what the proxies appended)."""
    if not proxies or not forwarded_for or not _trusted(peer, proxies):
        return peer
    chain = [hop.strip() for hop in forwarded_for.split(",")]
    for hop in reversed(chain):
        if not _is_address(hop):
            return peer  # a malformed chain: nothing in it can be believed
        if not _trusted(hop, proxies):
            return hop
    return chain[0]


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class RequestContext:
    def __init__(self, app: Any, trusted_proxies: str = "") -> None:
        self.app = app
        self.proxies = parse_proxies(trusted_proxies)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get("x-request-id", "")
        request_id = uuid.uuid4().hex
        client = scope.get("client")
        peer = client[0] if client else ""
        token = current_request.set(RequestInfo(
            client_ip=client_address(peer, headers.get("x-forwarded-for", ""), self.proxies),
            user_agent=headers.get("user-agent", ""), request_id=request_id,
            client_request_id=given if _REQUEST_ID.match(given) else ""))

        async def send_with_id(message: dict) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            current_request.reset(token)
