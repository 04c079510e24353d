"""The archive's oversight rules: what each customer's archive must hold, and the deadlines.

One CSV file, ``rules.csv`` in the archive root (any encoding ``customers.csv`` may use),
else the defaults shipped beside this module (``default_rules.csv``, from DOMAIN.md). Header
``规则,用户分类,电压等级,业务,条件,档案类别,数值,说明``; one rule a line:

| 规则              | meaning                                                              |
|-------------------|----------------------------------------------------------------------|
| 应有档案          | customers of 用户分类 (empty: all) must have a document of 档案类别      |
| 检查周期（月）    | periodic inspection (JC01) of 用户分类/电压等级 every 数值 months         |
| 合同有效期（年）  | a 供用电合同 (YK11) of 用户分类 runs 数值 years                            |
| 归档期限（天）    | a document must be filed within 数值 days of its date                   |
| 合同到期提醒（天）| contracts expiring within 数值 days are listed                          |

电压等级 is empty (any), a level (``10kV``) or a floor (``35kV及以上``); the most specific rule
wins. 业务 (应有档案 only) is empty or 新装 (every customer), or a 变更用电 type (code ``BG07`` or
name ``更名过户``): the rule applies once the customer has a document of that type. 条件 is
empty or ``列名=值`` over the customer master data (customers.csv, extra columns included); a
customer without that column or value does not need the document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from indexer import doctypes
from indexer.customers import RULES_FILENAME as FILENAME
from indexer.errors import TableError
from indexer.tables import read_table

DEFAULTS = Path(__file__).with_name("default_rules.csv")
COLUMNS = ("规则", "用户分类", "电压等级", "业务", "条件", "档案类别", "数值")
CLASSES = ("高压", "低压非居民", "低压居民")
NEW_CONNECTION = "新装"

REQUIRED, INSPECTION, CONTRACT, FILING, EXPIRY_NOTICE = (
    "应有档案", "检查周期（月）", "合同有效期（年）", "归档期限（天）", "合同到期提醒（天）")
KINDS = (REQUIRED, INSPECTION, CONTRACT, FILING, EXPIRY_NOTICE)
_NUMBER_RANGE = {INSPECTION: (1, 120), CONTRACT: (1, 30), FILING: (1, 3650),
                 EXPIRY_NOTICE: (1, 3650)}
_VOLTAGE = re.compile(r"^(\d+(?:\.\d+)?)\s*(kV|V)(及以上)?$", re.IGNORECASE)


class RulesError(TableError):
    code = "bad_rules"


@dataclass(frozen=True)
class Requirement:
    """A document type a customer must have (when ``business`` and ``condition`` hold)."""

    customer_class: str  # "" = every class
    doc_type: str
    business: str = ""  # "" = 新装 (always); else a BG code that triggers the rule
    condition: tuple[str, str] | None = None  # (column, value) of the master data

    def applies(self, customer_class: str, present: set[str], extra: Mapping[str, str]) -> bool:
        if self.customer_class and self.customer_class != customer_class:
            return False
        if self.business and self.business not in present:
            return False
        return self.condition is None or extra.get(self.condition[0], "") == self.condition[1]


@dataclass(frozen=True)
class VoltageMatch:
    """电压等级 of a rule: any (None), an exact level, or a floor (及以上)."""

    kv: float | None = None
    at_least: bool = False

    def matches(self, volt_level: str) -> bool:
        if self.kv is None:
            return True
        kv = voltage_kv(volt_level)
        if kv is None:
            return False
        return kv >= self.kv if self.at_least else abs(kv - self.kv) < 1e-9

    @property
    def specificity(self) -> int:
        return 0 if self.kv is None else 1 if self.at_least else 2


@dataclass(frozen=True)
class Interval:
    customer_class: str
    voltage: VoltageMatch
    months: int


@dataclass(frozen=True)
class Rules:
    requirements: tuple[Requirement, ...]
    inspections: tuple[Interval, ...]
    contract_years: Mapping[str, int]
    filing_days: int = 30
    expiry_notice_days: int = 90
    source: str = ""
    conditions: frozenset[str] = field(default_factory=frozenset)  # master-data columns used

    def required_types(self, customer_class: str, present: set[str],
                       extra: Mapping[str, str] = {}) -> list[str]:
        """The document types a customer of ``customer_class`` must have, in code order."""
        codes = {r.doc_type for r in self.requirements if r.applies(customer_class, present, extra)}
        return sorted(codes, key=_type_order)

    def inspection_months(self, customer_class: str, volt_level: str) -> int | None:
        """Months between periodic inspections for the customer, None if not required."""
        fitting = [i for i in self.inspections
                   if i.customer_class in ("", customer_class) and i.voltage.matches(volt_level)]
        if not fitting:
            return None
        return max(fitting, key=lambda i: (bool(i.customer_class), i.voltage.specificity)).months

    def required_codes(self) -> set[str]:
        """Every type a rule names (as required or as a business trigger)."""
        return ({r.doc_type for r in self.requirements}
                | {r.business for r in self.requirements if r.business})


def voltage_kv(level: str) -> float | None:
    """``10kV`` → 10.0, ``380V`` → 0.38; None if it is not a voltage."""
    match = _VOLTAGE.match(level.strip())
    if not match or match.group(3):
        return None
    value = float(match.group(1))
    return value if match.group(2).lower() == "kv" else value / 1000


def load_rules(root: Path | None) -> Rules:
    """The rules in ``root/rules.csv`` if there is one, else the shipped defaults."""
    path = root / FILENAME if root is not None else None
    return parse_rules(path if path is not None and path.is_file() else DEFAULTS)


def parse_rules(path: Path) -> Rules:
    """Rules from a CSV/XLSX file; :class:`RulesError` names the line of the first problem."""
    try:
        rows = read_table(path, COLUMNS)
    except RulesError:
        raise
    except TableError as exc:
        raise RulesError(f"规则文件 {exc.message}") from exc
    builder = _Builder(str(path))
    for line, row in _numbered(path, rows):
        try:
            builder.add(row)
        except ValueError as exc:
            raise RulesError(f"规则文件 {path} 第 {line} 行：{exc}") from exc
    return builder.build()


def _numbered(path: Path, rows: list[dict[str, str]]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers in the file (``read_table`` drops blank lines)."""
    if path.suffix.lower() == ".xlsx":
        return list(enumerate(rows, start=2))
    from indexer.tables import decode_text

    lines = decode_text(path.read_bytes()).splitlines()
    filled = [n for n, text in enumerate(lines[1:], start=2) if text.replace(",", "").strip()]
    return list(zip(filled, rows))


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.requirements: list[Requirement] = []
        self.inspections: list[Interval] = []
        self.contract_years: dict[str, int] = {}
        self.single: dict[str, int] = {}

    def add(self, row: dict[str, str]) -> None:
        kind = row.get("规则", "")
        if kind not in KINDS:
            raise ValueError(f"规则“{kind}”无法识别，应为 {'、'.join(KINDS)} 之一")
        customer_class = row.get("用户分类", "")
        if customer_class and customer_class not in CLASSES:
            raise ValueError(f"用户分类“{customer_class}”无法识别，应为 {'、'.join(CLASSES)} 之一或留空")
        if kind == REQUIRED:
            self.requirements.append(Requirement(
                customer_class, _doc_type(row.get("档案类别", "")), _business(row.get("业务", "")),
                _condition(row.get("条件", ""))))
            return
        number = _number(kind, row.get("数值", ""))
        if kind == INSPECTION:
            self.inspections.append(Interval(customer_class, _voltage(row.get("电压等级", "")),
                                             number))
        elif kind == CONTRACT:
            if customer_class in self.contract_years:
                raise ValueError(f"{customer_class or '所有用户'}的合同有效期重复定义")
            self.contract_years[customer_class] = number
        else:
            if kind in self.single:
                raise ValueError(f"“{kind}”只能定义一次")
            self.single[kind] = number

    def build(self) -> Rules:
        if not self.requirements:
            raise RulesError(f"规则文件 {self.source}：没有任何“应有档案”规则")
        return Rules(tuple(self.requirements), tuple(self.inspections), dict(self.contract_years),
                     self.single.get(FILING, 30), self.single.get(EXPIRY_NOTICE, 90),
                     self.source,
                     frozenset(r.condition[0] for r in self.requirements if r.condition))


def _doc_type(value: str) -> str:
    found = doctypes.BY_CODE.get(value.strip().upper()) or doctypes.BY_NAME.get(value.strip())
    if found is None:
        raise ValueError(f"档案类别“{value}”不存在（应为代码如 YK08，或名称如 中间检查记录）")
    return found.code


def _business(value: str) -> str:
    value = value.strip()
    if value in ("", NEW_CONNECTION):
        return ""
    found = doctypes.BY_CODE.get(value.upper()) or doctypes.BY_NAME.get(value)
    if found is None or not found.code.startswith("BG"):
        raise ValueError(f"业务“{value}”无法识别，应为 新装 或变更用电类别（如 BG07 / 更名过户）")
    return found.code


def _condition(value: str) -> tuple[str, str] | None:
    if not value.strip():
        return None
    column, sep, expected = value.partition("=")
    if not sep or not column.strip() or not expected.strip():
        raise ValueError(f"条件“{value}”格式错误，应为 列名=值（如 项目批文=是）")
    return column.strip(), expected.strip()


def _voltage(value: str) -> VoltageMatch:
    value = value.strip()
    if not value:
        return VoltageMatch()
    match = _VOLTAGE.match(value)
    if not match:
        raise ValueError(f"电压等级“{value}”无法识别，应如 10kV、380V 或 35kV及以上")
    kv = float(match.group(1)) / (1 if match.group(2).lower() == "kv" else 1000)
    return VoltageMatch(kv, bool(match.group(3)))


def _number(kind: str, value: str) -> int:
    low, high = _NUMBER_RANGE[kind]
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise ValueError(f"“{kind}”的数值“{value}”无效，应为 {low} 到 {high} 之间的整数")
    return int(value)


def _type_order(code: str) -> int:
    order = {t.code: n for n, t in enumerate(doctypes.DOC_TYPES)}
    return order.get(code, len(order))


def type_label(code: str) -> str:
    """``YK08 受电工程设计审查意见书``."""
    return f"{code} {doctypes.name_of(code)}".strip()
