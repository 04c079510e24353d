"""Customer master data (客户基础信息) exported from the marketing system."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from indexer.errors import TableError
from indexer.tables import read_table

COLUMNS = ("户号", "户名", "用户分类", "用电类别", "电压等级", "供电单位", "用电地址", "联系电话", "证件号码")
FILENAMES = ("customers.csv", "customers.xlsx")
# The unit tree (单位,上级单位) beside the customers file: read by search_service.access.policy for
# access scope, never indexed as a document.
UNITS_FILENAME = "units.csv"
# The oversight rules (search_service.archive_room.rules), never indexed as a document.
RULES_FILENAME = "rules.csv"


@dataclass(frozen=True)
class Customer:
    account_no: str
    name: str
    customer_class: str
    elec_type: str
    volt_level: str
    org: str
    address: str
    phone: str
    id_number: str
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict[str, str]) -> "Customer":
        values = [row.get(col, "") for col in COLUMNS]
        extra = {k: v for k, v in row.items() if k not in COLUMNS}
        return cls(*values, extra=extra)

    def to_dict(self) -> dict[str, object]:
        """The record as exported, in Chinese column names (extra columns kept)."""
        return {**dict(zip(COLUMNS, self._values())), **self.extra}

    def _values(self) -> tuple[str, ...]:
        return (self.account_no, self.name, self.customer_class, self.elec_type,
                self.volt_level, self.org, self.address, self.phone, self.id_number)


class Customers(dict[str, Customer]):
    """Customers by 户号, knowing the set of their units (供电单位)."""

    @cached_property
    def units(self) -> frozenset[str]:
        return frozenset(c.org for c in self.values() if c.org)

    @cached_property
    def named(self) -> dict[tuple[str, str], list[str]]:
        """(unit, 户名) → 户号 of the customers so named; unit "" counts every unit."""
        found: dict[tuple[str, str], list[str]] = {}
        for account, c in sorted(self.items()):
            for key in {(c.org, c.name.strip()), ("", c.name.strip())}:
                found.setdefault(key, []).append(account)
        return found


def find_customers_file(root: Path) -> Path | None:
    return next((root / n for n in FILENAMES if (root / n).is_file()), None)


def load_customers(root: Path) -> Customers:
    """Customers by 户号; an archive without a customers file has none."""
    path = find_customers_file(root)
    if path is None:
        return Customers()
    customers = Customers()
    for line, row in enumerate(read_table(path, COLUMNS), start=2):
        if not row.get("户号"):
            raise TableError(f"{path} 第 {line} 行：户号为空")
        customers[row["户号"]] = Customer.from_row(row)
    return customers


def parse_extra(raw: str) -> dict[str, str]:
    """A customer's extra master-data columns as the catalog stores them (JSON)."""
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
