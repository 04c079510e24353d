"""The administrator's API under ``/api/admin``: accounts, roles, passwords, tokens, locks.

Only administrators get in (a refusal is logged); every change is one access-log record
written with the change (``search_service/accounts.py``), and so is each listing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from search_service.access import Access
from search_service.api.deps import AccessControl, current_user
from search_service.audit import DENIED, Event
from search_service.errors import AccountError, ForbiddenError
from search_service.policy import ROLES, can_manage_users
from search_service.users import User

router = APIRouter()
UserName = Annotated[str, Path(max_length=64, description="用户名")]


def administrator(request: Request, user: Annotated[User, Depends(current_user)]) -> User:
    """The current user, who must be an administrator (a refusal is logged)."""
    if not can_manage_users(user):
        request.app.state.access.audit.append(Event.by(
            user, "user_list", outcome=DENIED, reason="role",
            details={"path": request.url.path}))
        raise ForbiddenError("只有系统管理员可以管理用户账户")
    return user


Admin = Annotated[User, Depends(administrator)]


class AccountOut(BaseModel):
    name: str
    role: str
    role_label: str
    org: str
    disabled: bool
    locked_until: str | None
    created_at: str


class TokenOut(BaseModel):
    id: int
    label: str
    created_at: str
    last_used: str | None
    revoked: bool


class AccountList(BaseModel):
    users: list[AccountOut]
    roles: dict[str, str]


class NewAccount(BaseModel):
    name: str = Field(max_length=64)
    role: str = Field(max_length=32)
    org: str = Field("", max_length=128)
    password: str = Field(max_length=256)


class RoleChange(BaseModel):
    role: str = Field(max_length=32)
    org: str | None = Field(None, max_length=128)


class PasswordReset(BaseModel):
    password: str = Field(max_length=256)


class TokenRequest(BaseModel):
    label: str = Field("script", max_length=128)


class NewToken(BaseModel):
    id: int
    token: str  # shown this once only


def user_list(access: Access, admin: User) -> list[dict[str, Any]]:
    """Every account, as administrators see it; logged as one ``user_list`` record."""
    found = [u.to_dict() for u in access.accounts.list_users()]
    access.audit.append(Event.by(admin, "user_list", details={"count": len(found)}))
    return found


@router.get("/api/admin/users", response_model=AccountList, summary="用户列表（系统管理员）")
def list_users(admin: Admin, access: AccessControl) -> dict:
    return {"users": user_list(access, admin),
            "roles": {name: role.label for name, role in ROLES.items()}}


@router.post("/api/admin/users", response_model=AccountOut, status_code=201,
             summary="创建用户（系统管理员）")
def create_user(body: NewAccount, admin: Admin, access: AccessControl) -> dict:
    return access.accounts.create_user(admin, body.name.strip(), body.password, body.role,
                                       known_unit(access, body.org.strip())).to_dict()


@router.put("/api/admin/users/{name}/role", response_model=AccountOut,
            summary="变更角色或所属单位（系统管理员）")
def set_role(name: UserName, body: RoleChange, admin: Admin, access: AccessControl) -> dict:
    org = known_unit(access, body.org.strip()) if body.org is not None else None
    return access.accounts.set_role(admin, name, body.role, org).to_dict()


def known_unit(access: Access, org: str) -> str:
    """``org`` when empty or in the unit tree; otherwise a Chinese 400 naming it."""
    if org and org not in access.units():
        raise AccountError(f"没有供电单位“{org}”，请从单位列表中选择")
    return org


@router.post("/api/admin/users/{name}/disable", response_model=AccountOut,
             summary="停用用户，立即结束其会话（系统管理员）")
def disable(name: UserName, admin: Admin, access: AccessControl) -> dict:
    return access.accounts.set_disabled(admin, name, True).to_dict()


@router.post("/api/admin/users/{name}/enable", response_model=AccountOut,
             summary="重新启用用户（系统管理员）")
def enable(name: UserName, admin: Admin, access: AccessControl) -> dict:
    return access.accounts.set_disabled(admin, name, False).to_dict()


@router.post("/api/admin/users/{name}/unlock", response_model=AccountOut,
             summary="解除登录失败造成的锁定（系统管理员）")
def unlock(name: UserName, admin: Admin, access: AccessControl) -> dict:
    return access.accounts.unlock(admin, name).to_dict()


@router.post("/api/admin/users/{name}/password", response_model=AccountOut,
             summary="重置密码（系统管理员）")
def reset_password(name: UserName, body: PasswordReset, admin: Admin,
                   access: AccessControl) -> dict:
    return access.accounts.reset_password(admin, name, body.password).to_dict()


@router.get("/api/admin/users/{name}/tokens", response_model=list[TokenOut],
            summary="用户的访问令牌（系统管理员）")
def list_tokens(name: UserName, admin: Admin, access: AccessControl) -> list[dict]:
    return access.accounts.list_tokens(name)


@router.post("/api/admin/users/{name}/tokens", response_model=NewToken, status_code=201,
             summary="签发访问令牌，令牌只显示这一次（系统管理员）")
def create_token(name: UserName, body: TokenRequest, admin: Admin,
                 access: AccessControl) -> dict:
    token_id, secret = access.accounts.create_token(admin, name, body.label.strip())
    return {"id": token_id, "token": secret}


@router.delete("/api/admin/tokens/{token_id}", status_code=204, summary="吊销访问令牌（系统管理员）")
def revoke_token(token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], admin: Admin,
                 access: AccessControl) -> None:
    access.accounts.revoke_token(admin, token_id)
