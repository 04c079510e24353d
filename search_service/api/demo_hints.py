"""What the demo suggests each demo account try, read from the data so a hint always leads
to what it promises for the account that follows it (a clerk is pointed at a customer of
their own unit, whatever the accounts' roles and units are)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from indexer.catalog.tables import documents
from indexer.schema import STATUS_OK
from search_service.access.policy import (Units, can_assign_roles, can_keep_archive_room,
                                          can_manage_accounts, can_read_archives, can_read_audit,
                                          can_spot_check, readable_units, role_label)
from search_service.access.users import User
from search_service.query.lexicon import brand_of

EXAMPLE = "明远"  # the README's example name: preferred where the account can read it


def demo_hints(catalog_engine: Any, units: Units, users: list[User]) -> list[str]:
    """One line per account: what to try first on the page, in Chinese."""
    companies = _companies(catalog_engine)
    lines, pointed = [], False
    for user in users:
        label = f"{role_label(user.role)}（{user.name}）"
        found = _readable_company(companies, readable_units(user, units)) \
            if can_read_archives(user) else None
        if found and not pointed:
            name, brand, org = found
            lines.append(f"{label}：检索“{brand}”，打开“{name}”（{org}）的客户档案")
            pointed = True
        elif can_keep_archive_room(user):
            lines.append(f"{label}：打开“档案管理”看资料齐全率和待办，在“鉴定”中鉴定保管期满的档案")
        elif can_spot_check(user):
            lines.append(f"{label}：打开“档案管理”的单位考核，再到“抽查”抽取一批档案逐项检查")
        elif can_read_audit(user):
            lines.append(f"{label}：打开“访问日志”，查看上面这些检索和查阅留下的记录")
        elif can_manage_accounts(user):
            lines.append(f"{label}：打开“用户管理”，新建一个账户（待安全管理员授权）")
        elif can_assign_roles(user):
            lines.append(f"{label}：打开“用户管理”，把系统管理员新建的账户设为营业员并指定供电所")
    return lines


def _companies(catalog_engine: Any) -> list[tuple[str, str, str]]:
    """(customer name, its searchable brand, unit) of every company with readable documents,
    the README's example first, then by 户号."""
    query = (select(documents.c.account_no, documents.c.customer_name, documents.c.org)
             .where(documents.c.status == STATUS_OK, documents.c.removed_at.is_(None),
                    documents.c.account_no != "", documents.c.org != "")
             .distinct().order_by(documents.c.account_no))
    with catalog_engine.connect() as conn:
        rows = conn.execute(query).all()
    found = [(name, brand_of(name), org) for _, name, org in rows]
    companies = [row for row in found if len(row[1]) >= 2]
    return sorted(companies, key=lambda row: EXAMPLE not in row[1])


def _readable_company(companies: list[tuple[str, str, str]],
                      readable: list[str] | None) -> tuple[str, str, str] | None:
    """The first company of a unit in ``readable`` (None: every unit); searches are scoped,
    so searching its brand shows the account this company, not one it cannot open."""
    return next((row for row in companies if readable is None or row[2] in readable), None)
