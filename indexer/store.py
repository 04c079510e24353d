"""The index directory: the search engine's files, the OCR cache and the run metadata.

What was extracted lives in the catalog (:mod:`indexer.catalog`); the directory holds what
can be rebuilt or re-derived from it, plus ``archive-meta.json`` (the archive root and the
fingerprint of its master data as of the last run).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from indexer.errors import IndexDirError

META_FILE = "archive-meta.json"
# Names that mark a directory as an index directory (older layouts included).
_OURS = (META_FILE, "whoosh", "ocr-cache.sqlite3")


def prepare_index_dir(index_dir: Path) -> None:
    """Create ``index_dir`` if missing; refuse a file, or a directory holding other things."""
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexDirError(f"索引目录 {index_dir} 不是目录")
    if index_dir.is_dir() and any(index_dir.iterdir()) and not is_index_dir(index_dir):
        raise IndexDirError(f"索引目录 {index_dir} 不是空目录，也不是索引；请换一个目录")
    index_dir.mkdir(parents=True, exist_ok=True)


def is_index_dir(index_dir: Path) -> bool:
    return any((index_dir / name).exists() for name in _OURS) or any(
        index_dir.glob("_MAIN_*.toc"))


def read_meta(index_dir: Path) -> dict[str, object]:
    try:
        return json.loads((index_dir / META_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def write_meta(index_dir: Path, meta: dict[str, object]) -> None:
    """Replace the run metadata atomically (write a temp file, then rename)."""
    tmp = index_dir / f".{META_FILE}.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, index_dir / META_FILE)
