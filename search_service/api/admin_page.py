"""The administrators' page ``/admin``: the accounts, with a button for every change the
signed-in administrator's duty allows (system: accounts; security: roles and units)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from search_service.access.policy import ROLES, can_assign_roles, can_manage_accounts, needs_unit
from search_service.api.admin import Admin, user_list
from search_service.api.deps import AccessControl
from search_service.api.pages import templates

router = APIRouter(include_in_schema=False)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, admin: Admin, access: AccessControl) -> HTMLResponse:
    users = user_list(access, admin)
    outline = access.units().outline()
    for user in users:
        user["tokens"] = [t for t in access.accounts.list_tokens(user["name"])
                          if not t["revoked"]] if can_manage_accounts(admin) else []
    return templates.TemplateResponse(request, "admin.html", {
        "users": users, "roles": ROLES, "duty": ROLES[admin.role],
        "system": can_manage_accounts(admin), "security": can_assign_roles(admin),
        "unit_roles": [name for name in ROLES if needs_unit(name)],
        "duty_roles": [name for name, role in ROLES.items() if role.duty],
        "units": outline, "unit_names": {unit for unit, _ in outline},
    })
