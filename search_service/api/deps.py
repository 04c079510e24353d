"""Dependencies every route declares, as type aliases visible in route signatures.

Authentication: a bearer token (``Authorization: Bearer ast_...``) for scripts, else the
session cookie. Requests that change state and come with a session cookie must echo the
session's CSRF token in ``X-CSRF-Token`` (bearer tokens cannot be sent by a browser on its
own, so they need none).
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from search_service.access.audit import DENIED, Event
from search_service.access.control import Access
from search_service.access.policy import can_read_audit
from search_service.access.users import User
from search_service.errors import AuthError, CsrfError, ForbiddenError
from search_service.reading.reader import ArchiveReader

SESSION_COOKIE = "archive_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _access(request: Request) -> Access:
    return request.app.state.access


async def access_control(request: Request) -> Access:
    """Async on purpose (so is every dependency that only reads app state): FastAPI runs a
    plain ``def`` dependency in the thread pool, a hop that buys nothing here."""
    return _access(request)


def current_user(request: Request) -> User:
    """The signed-in user making the request; 401 if none, 403 on a missing CSRF token.

    Blocking (a database read): as a dependency it runs in the thread pool; a route that
    hands its own work to a worker thread calls it there instead (:data:`Credentials`)."""
    access = _access(request)
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        user = access.accounts.token_user(header[7:].strip())
        if user is None:
            raise AuthError("访问令牌无效、已吊销或其用户已停用")
        request.state.user = user
        return user
    session = access.accounts.session(request.cookies.get(SESSION_COOKIE, ""))
    if session is None:
        raise AuthError("未登录或会话已超时，请重新登录")
    if request.method not in SAFE_METHODS and not hmac.compare_digest(
            request.headers.get(CSRF_HEADER, ""), session.csrf_token):
        raise CsrfError("请求缺少有效的 CSRF 令牌（X-CSRF-Token），已拒绝")
    request.state.user = session.user
    request.state.session = session
    return session.user


def auditor(request: Request, user: Annotated[User, Depends(current_user)]) -> User:
    """The current user, who must be an auditor (a refusal is logged)."""
    if not can_read_audit(user):
        _access(request).audit.append(Event.by(
            user, "audit_query", outcome=DENIED, reason="role", details={"path": request.url.path}))
        raise ForbiddenError("只有审计管理员可以查看访问日志")
    return user


async def credentials(request: Request) -> Request:
    """The request, to be authenticated with :func:`current_user` inside the worker thread
    the route hands its blocking work to: one hop for both, not one each."""
    return request


async def archive_reader(request: Request) -> ArchiveReader:
    return request.app.state.reader


CurrentUser = Annotated[User, Depends(current_user)]
Credentials = Annotated[Request, Depends(credentials)]
Auditor = Annotated[User, Depends(auditor)]
Reader = Annotated[ArchiveReader, Depends(archive_reader)]
AccessControl = Annotated[Access, Depends(access_control)]
