"""Signing in and out: ``POST /api/login``, ``POST /api/logout``, ``GET /api/me``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from search_service.access.policy import can_read_archives, can_read_audit, role_label
from search_service.access.users import User
from search_service.api.deps import SESSION_COOKIE, AccessControl, CurrentUser
from search_service.api.models import LoginRequest, Me

router = APIRouter()


def me(user: User, csrf_token: str = "") -> dict:
    return {"name": user.name, "role": user.role, "role_label": role_label(user.role),
            "org": user.org, "csrf_token": csrf_token,
            "can_read_archives": can_read_archives(user), "can_read_audit": can_read_audit(user)}


@router.post("/api/login", response_model=Me, summary="登录（JSON：username、password）",
             responses={401: {}, 423: {}, 429: {}})
def login(body: LoginRequest, request: Request, response: Response, access: AccessControl) -> dict:
    session = access.accounts.login(body.username.strip(), body.password)
    secure = request.url.scheme == "https" or access.settings.secure_cookies
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="lax",
                        secure=secure, path="/")
    return me(session.user, session.csrf_token)


@router.post("/api/logout", status_code=204, summary="退出登录（需 X-CSRF-Token）")
def logout(request: Request, user: CurrentUser, access: AccessControl) -> Response:
    session = getattr(request.state, "session", None)
    if session is not None:
        access.accounts.logout(session)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/me", response_model=Me, summary="当前用户及其 CSRF 令牌")
def whoami(request: Request, user: CurrentUser) -> dict:
    session = getattr(request.state, "session", None)
    return me(user, session.csrf_token if session is not None else "")
