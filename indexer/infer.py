"""Inferring archive facts from a file's path and text where the catalog is silent.

A label is followed by a colon, by a tab where the text comes from a form's table cell, by a
table rule (``户号 | 3301000123``) or by spaces alone (``户号 3301000123``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from indexer import doctypes
from indexer.doctypes import DocType
from search_service.access.masking import mask_text

_ACCOUNT_IN_NAME = re.compile(r"(?<!\d)(\d{10})(?!\d)")
_ACCOUNT_IN_TEXT = re.compile(r"户\s*号(?:\s*[：:\t|｜│]\s*|[ \u3000]+)(\d{10})(?!\d)")
_DATE = re.compile(
    r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|[-./](\d{1,2})[-./](\d{1,2})(?!\d)"
    r"|(\d{2})(\d{2})(?!\d))"
)
_LABELLED_DATE = re.compile(
    r"(?:检查日期|签订日期|申请日期|形成日期|复查日期|通知日期|日期)\s*[：:\t]\s*"
)
_HAZARD_NONE = re.compile(r"(?:未发现|无)(?:安全|用电)?隐患")
_HAZARD_FOUND = re.compile(r"发现[^。；\n]{0,12}隐患|隐患内容\s*[：:\t]")
_DEADLINE = re.compile(r"整改期限\s*[：:\t]\s*")
_STATUS = re.compile(r"整改(?:状态|情况)\s*[：:\t]\s*(未整改|整改中|已整改|逾期)")
_TITLE_MAX = 60


def account_from_path(relpath: str) -> str | None:
    """户号 from the folder or file name (``<户号>_<户名>/…``), innermost first."""
    for part in reversed(PurePosixPath(relpath).parts):
        match = _ACCOUNT_IN_NAME.search(part)
        if match:
            return match.group(1)
    return None


def account_from_folder_name(relpath: str, accounts_named: Callable[[str], list[str]]) -> str | None:
    """户号 of the customer a folder is named after (``城东供电所/杭州明远纺织有限公司/…``),
    innermost first, when exactly one customer has that name: ``accounts_named(name)`` gives
    the 户号 of the customers so named (within the file's unit)."""
    for part in reversed(PurePosixPath(relpath).parts[:-1]):
        found = accounts_named(part.strip())
        if len(found) == 1:
            return found[0]
    return None


def account_from_text(text: str) -> str | None:
    match = _ACCOUNT_IN_TEXT.search(text)
    return match.group(1) if match else None


def doc_type_from(relpath: str, text: str) -> DocType | None:
    """Type from the file name, else its folders (innermost first), else the title line."""
    path = PurePosixPath(relpath)
    for name in (path.stem, *reversed(path.parent.parts)):
        found = doctypes.match_keywords(name)
        if found:
            return found
    return doctypes.match_keywords(title_line(text))


def parse_date(text: str) -> date | None:
    """The first valid date in ``text`` (2023年5月12日, 2023-05-12, 2023.05.12, 20230512)."""
    for match in _DATE.finditer(text):
        year = int(match.group(1))
        month, day = next(
            (int(match.group(i)), int(match.group(i + 1)))
            for i in (2, 4, 6) if match.group(i)
        )
        if 1949 <= year <= 2100:
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return None


def date_from(relpath: str, text: str) -> date | None:
    """Date from the file name, else a labelled date in the text, else the text's first date;
    never the birth date inside an ID number (masked first: it would show in facets)."""
    text = mask_text(text)
    found = parse_date(mask_text(PurePosixPath(relpath).name))
    if found:
        return found
    for label in _LABELLED_DATE.finditer(text):
        found = _date_at(text, label.end())
        if found:
            return found
    return parse_date(text)


def _date_at(text: str, start: int) -> date | None:
    return parse_date(text[start:start + 16])


def title_line(text: str) -> str:
    """The first non-empty line of the text, shortened."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:_TITLE_MAX]
    return ""


@dataclass(frozen=True)
class HazardFacts:
    found: str = ""  # "是" / "否" / "" (not stated)
    status: str = ""  # 未整改 / 整改中 / 已整改 / 逾期
    deadline: date | None = None


def hazard_facts(code: str, text: str) -> HazardFacts:
    """What an inspection document states about hazards; empty for other documents."""
    if code not in doctypes.INSPECTION_CODES:
        return HazardFacts()
    found = ""
    if _HAZARD_NONE.search(text):
        found = "否"
    elif code == "JC03" or _HAZARD_FOUND.search(text):
        found = "是"
    status_match = _STATUS.search(text)
    deadline_match = _DEADLINE.search(text)
    return HazardFacts(
        found=found,
        status=status_match.group(1) if status_match else "",
        deadline=_date_at(text, deadline_match.end()) if deadline_match else None,
    )
