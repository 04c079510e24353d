"""Opening the Whoosh index and reading what it already holds."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from whoosh import index
from whoosh.index import FileIndex

from indexer.errors import IndexDirError
from indexer.schema import build_schema

META_FILE = "archive-meta.json"


def open_index(index_dir: Path, create: bool = False) -> FileIndex:
    """Open the index in ``index_dir``; with ``create``, make one in a missing or empty dir.

    Always opens with the code's schema, so the pickled schema in old indexes is not relied on.
    """
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexDirError(f"索引目录 {index_dir} 不是目录")
    if index_dir.is_dir() and index.exists_in(str(index_dir)):
        try:
            return index.open_dir(str(index_dir), schema=build_schema())
        except (OSError, EOFError, ValueError) as exc:
            raise IndexDirError(f"索引目录 {index_dir} 无法打开（{exc}）") from exc
    if not create:
        raise IndexDirError(f"索引目录 {index_dir} 中没有索引，请先运行 archive-search index")
    if index_dir.is_dir() and any(index_dir.iterdir()):
        raise IndexDirError(f"索引目录 {index_dir} 不是空目录，也不是索引；请换一个目录")
    index_dir.mkdir(parents=True, exist_ok=True)
    return index.create_in(str(index_dir), build_schema())


@dataclass(frozen=True)
class KnownFile:
    doc_id: str
    size: int
    mtime: int
    sha256: str
    status: str


def known_files(ix: FileIndex) -> dict[str, KnownFile]:
    """What the last committed index holds, by relative path (read from columns, not text)."""
    if ix.doc_count_all() == 0:
        return {}
    with ix.reader() as reader:
        columns = {name: reader.column_reader(name) for name in
                   ("path", "doc_id", "size", "mtime", "sha256", "status")}
        known = {}
        for docnum in reader.all_doc_ids():
            values = {name: col[docnum] for name, col in columns.items()}
            path = values.pop("path")
            known[path] = KnownFile(**values)
        return known


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


@dataclass(frozen=True)
class FailedFile:
    path: str
    status: str  # failed or unsupported
    reason: str


def failed_files(ix: FileIndex) -> list[FailedFile]:
    """Files the last runs could not index, with the recorded reason, by path."""
    from whoosh.query import Not, Term

    with ix.searcher() as searcher:
        hits = searcher.search(Not(Term("status", "ok")), limit=None, sortedby="path")
        return [FailedFile(h["path"], h["status"], h.get("error", "")) for h in hits]
