"""Values written into generated documents, encoded for the format they land in.

Titles, customer names, file names, comments and log fields come from archives and people:
any of them may hold markup or a formula. Every generated PDF paragraph is built by
:func:`paragraph`, every spreadsheet row by :func:`append_row` and every CSV cell passes
:func:`csv_cell` (docs/security.md, "Generated documents and spreadsheets").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?%?|-")  # a number, or a lone dash: inert
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def pdf_markup(value: Any) -> str:
    """``value`` as text for reportlab's paragraph markup: tags and entities escaped, control
    characters (which reportlab's parser refuses) replaced by spaces."""
    return escape(_CONTROL.sub(" ", "" if value is None else str(value)))


def paragraph(value: Any, style: Any) -> Any:
    """A reportlab paragraph showing ``value`` literally: nothing in it is read as markup."""
    from reportlab.platypus import Paragraph

    return Paragraph(pdf_markup(value), style)


def formula_like(value: Any) -> bool:
    """A text a spreadsheet would evaluate (or a person's edit would turn into a formula)."""
    return (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _PLAIN_NUMBER.fullmatch(value))


def csv_cell(value: Any) -> str:
    """A CSV cell: formula-like text gets a leading apostrophe, so Excel shows it as text."""
    text = "" if value is None else str(value)
    return "'" + text if formula_like(text) else text


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet; formula-like text is stored as text with Excel's
    quote prefix, so it reads exactly as written and never runs, even after an edit."""
    sheet.append(["" if v is None else v for v in values])
    for cell in sheet[sheet.max_row]:
        if formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
