"""Each user's own bearer tokens, ``/api/me/tokens``: made by their owner only.

A token is created from a signed-in session (not with another token, so a leaked token cannot
breed more), shown once, listed and revoked by its owner. Nobody creates a token for someone
else over HTTP, so every request made with a token was made by the person the log names.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from search_service.api.admin import TokenOut
from search_service.api.deps import AccessControl, CurrentUser
from search_service.errors import ForbiddenError

router = APIRouter()


class TokenRequest(BaseModel):
    label: str = Field("script", max_length=128)


class NewToken(BaseModel):
    id: int
    token: str  # shown this once only


@router.get("/api/me/tokens", response_model=list[TokenOut], summary="我的访问令牌")
def my_tokens(user: CurrentUser, access: AccessControl) -> list[dict]:
    return access.accounts.list_tokens(user.name)


@router.post("/api/me/tokens", response_model=NewToken, status_code=201,
             summary="为自己签发访问令牌（须登录会话；令牌只显示这一次）")
def create_my_token(body: TokenRequest, request: Request, user: CurrentUser,
                    access: AccessControl) -> dict:
    if getattr(request.state, "session", None) is None:
        raise ForbiddenError("访问令牌只能在登录后由本人签发，不能用访问令牌签发")
    token_id, secret = access.accounts.create_token(user, user.name, body.label.strip())
    return {"id": token_id, "token": secret}


@router.delete("/api/me/tokens/{token_id}", status_code=204, summary="吊销自己的访问令牌")
def revoke_my_token(token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], user: CurrentUser,
                    access: AccessControl) -> None:
    access.accounts.revoke_token(user, token_id, owner=user.name)
