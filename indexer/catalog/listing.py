"""The optional archive catalog (档案目录): per-file facts that override inference."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.tables import read_table

COLUMNS = ("文件路径", "户号", "档案类别", "题名", "形成日期", "档号", "保管期限", "归档日期")
FILENAME = "catalog.csv"


@dataclass(frozen=True)
class CatalogEntry:
    """One catalog row; empty strings mean "not stated, infer it"."""

    path: str
    account_no: str
    doc_type: str
    title: str
    date: str
    archive_no: str
    retention: str
    filed: str = ""  # 归档日期: when the archive room filed it (else: when first indexed)


def normalize_path(path: str) -> str:
    """Catalog paths are relative to the root with forward slashes."""
    path = path.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def load_catalog(root: Path) -> dict[str, CatalogEntry]:
    """Catalog entries by relative path; empty when the archive has no catalog."""
    path = root / FILENAME
    if not path.is_file():
        return {}
    entries = {}
    for row in read_table(path, COLUMNS[:1]):
        entry = CatalogEntry(normalize_path(row["文件路径"]), *(row.get(c, "") for c in COLUMNS[1:]))
        entries[entry.path] = entry
    return entries
