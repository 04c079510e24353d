"""Reading tabular exports (customers.csv/.xlsx, catalog.csv) whatever their encoding."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from charset_normalizer import from_bytes

from indexer.errors import EncodingError, TableError

Row = dict[str, str]


def decode_text(data: bytes) -> str:
    """Decode bytes from UTF-8 (with or without BOM), GBK/GB18030 or whatever is detected."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    order = utf16_byte_order(data[:4096])
    if order:
        return data.decode(order, errors="replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None:
        raise EncodingError("无法识别文本编码（已尝试 UTF-8、GBK/GB18030 及自动检测）")
    return str(best)


def utf16_byte_order(head: bytes) -> str:
    """"utf-16-le" or "utf-16-be" for UTF-16 without a byte-order mark, else "".

    Line breaks, spaces and digits are ASCII, which UTF-16 writes with a NUL byte on one side;
    text in a byte encoding (UTF-8, GBK) has no NUL bytes at all.
    """
    head = head[: len(head) // 2 * 2]
    nuls = head.count(0)
    if nuls < 2 or nuls < len(head) // 50:
        return ""
    odd = head[1::2].count(0)
    if odd >= 0.95 * nuls:
        return "utf-16-le"
    return "utf-16-be" if nuls - odd >= 0.95 * nuls else ""


def read_table(path: Path, required: tuple[str, ...]) -> list[Row]:
    """Rows of a CSV or XLSX file as dicts keyed by the (stripped) header.

    Raises :class:`TableError` naming the file and any missing required column.
    """
    try:
        rows = _read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)
    except EncodingError as exc:
        raise TableError(f"{path}：{exc.message}") from exc
    except (OSError, csv.Error, ValueError) as exc:
        raise TableError(f"{path}：无法读取（{exc}）") from exc
    if not rows:
        raise TableError(f"{path}：文件为空，缺少表头")
    header = [h.strip() for h in rows[0]]
    missing = [col for col in required if col not in header]
    if missing:
        raise TableError(f"{path}：缺少必需的列 {'、'.join(missing)}")
    return [
        {h: (cell or "").strip() for h, cell in zip(header, row) if h}
        for row in rows[1:]
        if any((cell or "").strip() for cell in row)
    ]


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(decode_text(path.read_bytes()))))


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
