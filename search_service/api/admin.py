"""The administrators' API under ``/api/admin``, split by duty (三员分立):

- the system administrator (系统管理员): creates accounts (without a role), disables and
  enables them, unlocks them, resets the passwords of accounts that hold no administrator
  duty, lists and revokes tokens;
- the security administrator (安全管理员): sets roles and units (never their own, and an
  account holding one administrator duty never gets another);
- both list the accounts. Neither reads archives or the access log; the audit administrator
  (审计管理员) reads every record of what they did.

Nobody mints a token for someone else here: owners create their own (``/api/me/tokens``).
A refusal is logged; every change is one access-log record written with the change
(``search_service/access/accounts.py``), and so is each listing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from search_service.access.audit import DENIED, Event
from search_service.access.control import Access
from search_service.access.policy import (NEW_ACCOUNT_ROLE, ROLES, can_assign_roles,
                                          can_manage_accounts, can_manage_users,
                                          duty_change_refusal, duty_of, role_label)
from search_service.access.users import User
from search_service.api.deps import AccessControl, current_user
from search_service.errors import ForbiddenError

router = APIRouter()
UserName = Annotated[str, Path(max_length=64, description="用户名")]


def _refuse(request: Request, user: User, message: str, action: str = "user_list",
            reason: str = "role", **details: str) -> ForbiddenError:
    """Log a refused administrative request and return the error to raise."""
    request.app.state.access.audit.append(Event.by(
        user, action, outcome=DENIED, reason=reason,
        details={"path": request.url.path, **details}))
    return ForbiddenError(message)


def administrator(request: Request, user: Annotated[User, Depends(current_user)]) -> User:
    """The current user, who must administer accounts (either duty; a refusal is logged)."""
    if not can_manage_users(user):
        raise _refuse(request, user, "只有系统管理员或安全管理员可以查看用户账户")
    return user


def system_administrator(request: Request,
                         user: Annotated[User, Depends(current_user)]) -> User:
    """The current user, who must be a system administrator (a refusal is logged)."""
    if not can_manage_accounts(user):
        raise _refuse(request, user, "只有系统管理员可以管理用户账户")
    return user


def security_administrator(request: Request,
                           user: Annotated[User, Depends(current_user)]) -> User:
    """The current user, who must be a security administrator (a refusal is logged)."""
    if not can_assign_roles(user):
        raise _refuse(request, user, "只有安全管理员可以设置角色和所属单位")
    return user


Admin = Annotated[User, Depends(administrator)]
SystemAdmin = Annotated[User, Depends(system_administrator)]
SecurityAdmin = Annotated[User, Depends(security_administrator)]


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
    created_by: str
    created_at: str
    last_used: str | None
    revoked: bool


class AccountList(BaseModel):
    users: list[AccountOut]
    roles: dict[str, str]


class NewAccount(BaseModel):
    name: str = Field(max_length=64)
    role: str = Field(NEW_ACCOUNT_ROLE, max_length=32,
                      description="只能为 pending（待授权）：角色由安全管理员设置")
    org: str = Field("", max_length=128)
    password: str = Field(max_length=256)


class RoleChange(BaseModel):
    role: str = Field(max_length=32)
    org: str | None = Field(None, max_length=128)


class PasswordReset(BaseModel):
    password: str = Field(max_length=256)


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
             summary="创建用户，角色待安全管理员设置（系统管理员）")
def create_user(body: NewAccount, request: Request, admin: SystemAdmin,
                access: AccessControl) -> dict:
    if body.role != NEW_ACCOUNT_ROLE or body.org.strip():
        raise _refuse(request, admin, "新账户的角色和所属单位由安全管理员设置（三员分立）",
                      "user_create", "duty", name=body.name)
    return access.accounts.create_user(admin, body.name.strip(), body.password,
                                       NEW_ACCOUNT_ROLE, "").to_dict()


@router.put("/api/admin/users/{name}/role", response_model=AccountOut,
            summary="变更角色或所属单位（安全管理员）")
def set_role(name: UserName, body: RoleChange, request: Request, admin: SecurityAdmin,
             access: AccessControl) -> dict:
    target = access.accounts.get(name)
    refusal = duty_change_refusal(admin, target, body.role)
    if refusal:
        raise _refuse(request, admin, refusal, "user_role", "duty", name=name, to=body.role)
    org = known_unit(access, body.org.strip()) if body.org is not None else None
    return access.accounts.set_role(admin, name, body.role, org).to_dict()


def known_unit(access: Access, org: str) -> str:
    """``org`` when empty or in the unit tree; otherwise a Chinese 400 naming it."""
    return access.units().listed(org)


@router.post("/api/admin/users/{name}/disable", response_model=AccountOut,
             summary="停用用户，立即结束其会话（系统管理员）")
def disable(name: UserName, request: Request, admin: SystemAdmin,
            access: AccessControl) -> dict:
    if name == admin.name:
        raise _refuse(request, admin, "不能停用自己的账户", "user_disable", "self", name=name)
    return access.accounts.set_disabled(admin, name, True).to_dict()


@router.post("/api/admin/users/{name}/enable", response_model=AccountOut,
             summary="重新启用用户（系统管理员）")
def enable(name: UserName, admin: SystemAdmin, access: AccessControl) -> dict:
    return access.accounts.set_disabled(admin, name, False).to_dict()


@router.post("/api/admin/users/{name}/unlock", response_model=AccountOut,
             summary="解除登录失败造成的锁定（系统管理员）")
def unlock(name: UserName, admin: SystemAdmin, access: AccessControl) -> dict:
    return access.accounts.unlock(admin, name).to_dict()


@router.post("/api/admin/users/{name}/password", response_model=AccountOut,
             summary="重置密码（系统管理员；管理员账户除外）")
def reset_password(name: UserName, body: PasswordReset, request: Request, admin: SystemAdmin,
                   access: AccessControl) -> dict:
    target = access.accounts.get(name)
    if duty_of(target.role):  # else the system administrator could sign in as the auditor
        raise _refuse(request, admin, f"{role_label(target.role)}账户的密码不能由系统管理员重置，"
                      "请在服务器上用 archive-search user reset-password 重置",
                      "user_password", "duty", name=name)
    return access.accounts.reset_password(admin, name, body.password).to_dict()


@router.get("/api/admin/users/{name}/tokens", response_model=list[TokenOut],
            summary="用户的访问令牌（系统管理员）")
def list_tokens(name: UserName, admin: SystemAdmin, access: AccessControl) -> list[dict]:
    return access.accounts.list_tokens(name)


@router.delete("/api/admin/tokens/{token_id}", status_code=204, summary="吊销访问令牌（系统管理员）")
def revoke_token(token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], admin: SystemAdmin,
                 access: AccessControl) -> None:
    access.accounts.revoke_token(admin, token_id)
