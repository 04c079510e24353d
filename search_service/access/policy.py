"""Who may read what: the role table and the unit hierarchy, in one place an auditor can read.

| role                  | documents                       | personal data | other                           |
|-----------------------|---------------------------------|---------------|---------------------------------|
| clerk 营业员          | own unit and the units below it | masked        |                                 |
| inspector 稽查员      | all units                       | masked        | spot checks (抽查)              |
| archivist 档案管理员  | own unit and below              | unmasked      | failed files; spot checks       |
| auditor 审计管理员    | none                            | -             | reads and exports the access log |
| admin 系统管理员      | none                            | -             | manages accounts (not roles)    |
| secadmin 安全管理员   | none                            | -             | sets roles and units            |
| pending 待授权        | none                            | -             | an account no role is set for   |

auditor, admin and secadmin are the three administrator duties (三员分立): each is a role of
its own, an account holds one role, and an account that holds one duty is never given another
(:func:`duty_change_refusal`). None of them reads archives.

Units (供电单位) form a tree: 市公司 → 县公司 → 供电所. The tree comes from ``units.csv``
(columns ``单位,上级单位``; a unit with an empty 上级单位 is a root) in the archive root or
wherever ``ARCHIVE_SEARCH_UNITS`` points. Without such a file every 供电所 found in the index
sits under one county company (:data:`DEFAULT_COUNTY`) under one city company
(:data:`DEFAULT_CITY`). A user whose unit is a root (the city company) sees every document,
including those not assigned to any customer; anyone else sees the documents of their unit's
subtree only. Scope is data (:class:`~search_service.access.scope.Scope`: the readable units,
plus the customers and documents a grant names); each engine applies it inside its query,
before ranking and counting, so totals and facet counts never reveal documents outside it.
"""

from __future__ import annotations

import re

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from indexer.errors import TableError
from indexer.tables import read_table
from search_service.access.scope import Scope
from search_service.errors import AccountError

DEFAULT_CITY = "市供电公司"
DEFAULT_COUNTY = "县供电公司"
UNIT_COLUMNS = ("单位", "上级单位")  # and optionally 简称: short names, separated by 、
_ALIAS_SEPARATORS = re.compile(r"[、，,;；/\s]+")


class Reach(Enum):
    NONE = "none"
    OWN_UNIT = "own_unit"  # the user's unit and every unit below it
    ALL = "all"


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    documents: Reach
    personal_data: bool = False  # sees 身份证号, mobile and bank numbers unmasked
    see_failed_files: bool = False
    spot_check: bool = False  # draws and fills spot checks (抽查) of the units in reach
    read_audit: bool = False
    manage_accounts: bool = False  # creates, disables, unlocks accounts; resets passwords
    assign_roles: bool = False  # sets accounts' roles and units
    duty: str = ""  # the administrator duty (三员) this role is, if any
    archive_room: bool = False  # keeps the archive room: loans, handover, paper, retention


ROLES: dict[str, Role] = {r.name: r for r in (
    Role("clerk", "营业员", Reach.OWN_UNIT),
    Role("inspector", "稽查员", Reach.ALL, spot_check=True),
    Role("archivist", "档案管理员", Reach.OWN_UNIT, personal_data=True, see_failed_files=True,
         spot_check=True, archive_room=True),
    Role("auditor", "审计管理员", Reach.NONE, read_audit=True, duty="audit"),
    Role("admin", "系统管理员", Reach.NONE, manage_accounts=True, duty="system"),
    Role("secadmin", "安全管理员", Reach.NONE, assign_roles=True, duty="security"),
    Role("pending", "待授权", Reach.NONE),
)}
NEW_ACCOUNT_ROLE = "pending"  # what a system administrator's new account holds until a role is set


class Person(Protocol):
    """What the policy needs to know about a user."""

    @property
    def role(self) -> str: ...

    @property
    def org(self) -> str: ...


def role_of(user: Person) -> Role:
    """The user's role; an unknown role name grants nothing."""
    return ROLES.get(user.role, Role(user.role, user.role, Reach.NONE))


def role_label(name: str) -> str:
    role = ROLES.get(name)
    return role.label if role else name


def can_read_archives(user: Person) -> bool:
    return role_of(user).documents is not Reach.NONE


def can_see_personal_data(user: Person) -> bool:
    return role_of(user).personal_data


def can_see_failed_files(user: Person) -> bool:
    return role_of(user).see_failed_files


def can_spot_check(user: Person) -> bool:
    return role_of(user).spot_check


def can_read_audit(user: Person) -> bool:
    return role_of(user).read_audit


def can_manage_accounts(user: Person) -> bool:
    """The system administrator: accounts, passwords, locks, revoking tokens."""
    return role_of(user).manage_accounts


def can_assign_roles(user: Person) -> bool:
    """The security administrator: roles and units."""
    return role_of(user).assign_roles


def can_manage_users(user: Person) -> bool:
    """Either administrator of accounts: opens the accounts page and lists accounts."""
    return can_manage_accounts(user) or can_assign_roles(user)


def duty_of(role: str) -> str:
    """The administrator duty a role is ("system", "security", "audit"), or ""."""
    found = ROLES.get(role)
    return found.duty if found else ""


def duty_change_refusal(actor: Person, target: Person, new_role: str) -> str:
    """Why ``actor`` may not give ``target`` the role ``new_role`` (a Chinese sentence), or
    "" if the change is allowed: no one sets their own role, and an account holding one
    administrator duty never takes another role (whoever takes another duty gets a new
    account, so no account ever holds two and the log keeps each duty's actions apart)."""
    if not can_assign_roles(actor):
        return "只有安全管理员可以设置角色和所属单位"
    if getattr(actor, "name", None) == getattr(target, "name", ""):
        return "不能变更自己的角色或所属单位"
    if duty_of(target.role) and new_role != target.role:
        return (f"账户已承担{role_label(target.role)}职责，不能改为其他角色（三员分立）；"
                "如需调整，请为其另建账户")
    return ""


# --- the archive room: lending, handover, paper files, retention ---------------------------

def can_request_loan(user: Person) -> bool:
    """Any reading role may ask to borrow (借阅) customers or documents."""
    return can_read_archives(user)


def can_keep_archive_room(user: Person) -> bool:
    """Archivists: decide loans and handovers of their units, paper locations, appraisal."""
    return role_of(user).archive_room


def can_decide_for(user: Person, units: "Units", org: str) -> bool:
    """Whether ``user`` is an archivist of the unit ``org`` (or of a unit above it)."""
    return can_keep_archive_room(user) and unit_in_reach(user, units, org)


def can_read_loan_register(user: Person) -> bool:
    """The loan register (借阅登记簿): archivists (their units) and auditors (all)."""
    return can_keep_archive_room(user) or can_read_audit(user)


def can_hand_over(user: Person) -> bool:
    """Business staff hand documents of their units to the archive room (移交)."""
    return can_read_archives(user)


def can_export_records(user: Person) -> bool:
    """Electronic-record packages (EEP) of a handover batch of the user's units: reading
    roles; without personal-data rights the packages are masked and hold no originals."""
    return can_read_archives(user)


def needs_unit(role: str) -> bool:
    """Whether accounts of this role must name their unit."""
    return ROLES[role].documents is Reach.OWN_UNIT


class Units:
    """The unit tree: each unit's parent; a unit without a parent is a root."""

    def __init__(self, parents: dict[str, str]) -> None:
        self.parents = dict(parents)
        self.aliases: dict[str, tuple[str, ...]] = {}  # unit → its 简称 (units.csv, optional)
        self.known = True  # False: no units.csv and nothing indexed, nothing to check against
        self.children: dict[str, list[str]] = {}
        for unit, parent in self.parents.items():
            if parent:
                self.children.setdefault(parent, []).append(unit)

    @classmethod
    def default(cls, stations: Iterable[str]) -> "Units":
        """Every station under :data:`DEFAULT_COUNTY` under :data:`DEFAULT_CITY`."""
        parents = {DEFAULT_CITY: "", DEFAULT_COUNTY: DEFAULT_CITY}
        parents.update({s: DEFAULT_COUNTY for s in stations if s and s not in parents})
        units = cls(parents)
        units.known = len(parents) > 2
        return units

    @classmethod
    def from_file(cls, path: Path) -> "Units":
        """The tree in ``path`` (CSV/XLSX, columns 单位 and 上级单位)."""
        parents: dict[str, str] = {}
        aliases: dict[str, tuple[str, ...]] = {}
        for line, row in enumerate(read_table(path, UNIT_COLUMNS), start=2):
            unit, parent = row.get("单位", "").strip(), row.get("上级单位", "").strip()
            if not unit:
                raise TableError(f"{path} 第 {line} 行：单位为空")
            parents[unit] = parent
            aliases[unit] = tuple(a for a in _ALIAS_SEPARATORS.split(row.get("简称", "")) if a)
        for parent in set(parents.values()) - set(parents):
            if parent:
                parents[parent] = ""  # named only as a parent: a root
        units = cls(parents)
        units.aliases = {u: a for u, a in aliases.items() if a}
        units._check_acyclic(path)
        return units

    def _check_acyclic(self, path: Path) -> None:
        for unit in self.parents:
            seen = {unit}
            parent = self.parents[unit]
            while parent:
                if parent in seen:
                    raise TableError(f"{path}：单位“{unit}”的上级关系成环")
                seen.add(parent)
                parent = self.parents.get(parent, "")

    def __contains__(self, unit: str) -> bool:
        return unit in self.parents

    def listed(self, org: str) -> str:
        """``org`` when empty or in the tree (or the tree is not known yet); otherwise an
        :class:`AccountError` naming it: a user's unit is picked from the tree."""
        if org and self.known and org not in self:
            raise AccountError(f"没有供电单位“{org}”，请从单位列表中选择")
        return org

    def is_root(self, unit: str) -> bool:
        return unit in self.parents and not self.parents[unit]

    def roots(self) -> list[str]:
        return sorted(unit for unit, parent in self.parents.items() if not parent)

    def subtree(self, unit: str) -> list[str]:
        """``unit`` and every unit below it (just ``unit`` if the tree does not know it)."""
        return [found for found, _ in self.outline(unit)]

    def outline(self, top: str = "") -> list[tuple[str, int]]:
        """Each unit of ``top``'s subtree (every root's without ``top``) in tree order, with
        its depth below the outline's first level: what a unit picker shows, indented."""
        found: list[tuple[str, int]] = []
        stack = [(unit, 0) for unit in ([top] if top else self.roots())[::-1]]
        while stack:
            current, depth = stack.pop()
            found.append((current, depth))
            stack.extend((child, depth + 1)
                         for child in sorted(self.children.get(current, ()), reverse=True))
        return found


def load_units(path: Path | None, stations: Iterable[str]) -> Units:
    """The configured tree if ``path`` is a file, else the default tree over ``stations``."""
    if path is not None and path.is_file():
        return Units.from_file(path)
    return Units.default(stations)


def readable_units(user: Person, units: Units) -> list[str] | None:
    """The units whose documents ``user`` may read; None means every document."""
    reach = role_of(user).documents
    if reach is Reach.ALL or (reach is Reach.OWN_UNIT and units.is_root(user.org)):
        return None
    if reach is Reach.NONE or not user.org:
        return []
    return units.subtree(user.org)


def scope_of(user: Person, units: Units, accounts: Iterable[str] = (),
             doc_ids: Iterable[str] = ()) -> Scope:
    """The documents ``user`` may read, as data: their units (None: every document), plus
    what a grant (an approved loan) names by customer (``accounts``) or document
    (``doc_ids``)."""
    readable = readable_units(user, units)
    if readable is None:
        return Scope()
    return Scope(units=tuple(readable), accounts=tuple(accounts), doc_ids=tuple(doc_ids))


def unit_in_reach(user: Person, units: Units, org: str) -> bool:
    """Whether the unit ``org`` is one of those ``user``'s role reaches (grants aside)."""
    readable = readable_units(user, units)
    return readable is None or (bool(org) and org in readable)


def in_scope(scope: Scope, record: Mapping[str, Any]) -> bool:
    """Whether a document (a record with ``org``, ``account_no``, ``doc_id``) lies in
    ``scope``; the same rule every engine applies in its query."""
    if scope.unlimited:
        return True
    org = record.get("org") or ""
    return (bool(org) and org in (scope.units or ())) \
        or (bool(record.get("account_no")) and record.get("account_no") in scope.accounts) \
        or (bool(record.get("doc_id")) and record.get("doc_id") in scope.doc_ids)
