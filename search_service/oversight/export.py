"""Excel workbooks (openpyxl): Chinese headers, frozen header row, one sheet per list or figure."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from search_service.escaping import append_row
from search_service.oversight.assessment import shown
from search_service.oversight.followup import WorkList

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(book: Workbook, title: str, headers: Sequence[str],
           rows: Iterable[Sequence[Any]]) -> None:
    sheet = book.create_sheet(title[:31])
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = "A2"
    for n, header in enumerate(headers, start=1):
        width = max([len(str(header)) * 2] + [len(str(c.value or "")) * 2 for c in sheet[
            get_column_letter(n)][1:200]])
        sheet.column_dimensions[get_column_letter(n)].width = min(max(width, 8), 60)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def work_list_workbook(lists: Sequence[tuple[WorkList, list[dict[str, Any]]]]) -> bytes:
    """One sheet per work list."""
    book = Workbook()
    book.remove(book.active)
    for work_list, rows in lists:
        _sheet(book, work_list.title, [c.title for c in work_list.columns],
               ([row.get(c.key, "") for c in work_list.columns] for row in rows))
    return _save(book)


def assessment_workbook(report: dict[str, Any]) -> bytes:
    """One sheet per figure (单位, value, numerator, denominator, formula), plus a summary."""
    book = Workbook()
    book.remove(book.active)
    figures = report["figures"]
    _sheet(book, "汇总", ["供电单位", *[f["title"] for f in figures]],
           ([row["org"], *[_shown(row["figures"][f["key"]], f) for f in figures]]
            for row in report["rows"]))
    for figure in figures:
        headers = (["供电单位", figure["title"], "分子", "分母", "计算公式"] if figure["rate"]
                   else ["供电单位", figure["title"], "计算公式"])
        rows = []
        for row in report["rows"]:
            value = row["figures"][figure["key"]]
            rows.append([row["org"], _shown(value, figure), value["numerator"],
                         value["denominator"], figure["formula"]] if figure["rate"]
                        else [row["org"], value["value"], figure["formula"]])
        _sheet(book, figure["title"], headers, rows)
    return _save(book)


def _shown(value: dict[str, Any], figure: dict[str, Any]) -> Any:
    if not figure["rate"]:
        return value["value"]
    return shown(value["value"], True)
