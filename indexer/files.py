"""The archive's files on disk: the root, the document files below it, their SHA-256, and
the one check that a stored path still leads to a file inside the archive."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from pathlib import Path

from indexer import customers as customers_mod
from indexer.catalog import listing as catalog_mod
from indexer.errors import ArchiveRootError
from indexer.records import FileFacts
from search_service.db import default_url
from search_service.errors import NotFoundError

_SKIP_NAMES = frozenset({"Thumbs.db", "desktop.ini"})
# Files that feed every record: a change refreshes the records of unchanged documents.
RECORD_SOURCES = frozenset({*customers_mod.FILENAMES, catalog_mod.FILENAME})
# Master data at the root, never indexed as documents.
_MASTER_FILES = RECORD_SOURCES | {customers_mod.UNITS_FILENAME, customers_mod.RULES_FILENAME}


def check_root(root: Path) -> None:
    if not root.exists():
        raise ArchiveRootError(f"档案目录不存在：{root}")
    if not root.is_dir():
        raise ArchiveRootError(f"档案目录不是文件夹：{root}")
    if not os.access(root, os.R_OK | os.X_OK):
        raise ArchiveRootError(f"档案目录无法读取（权限不足）：{root}")


def scan(root: Path, exclude: Path | Collection[Path] | None = None) -> list[FileFacts]:
    """Every document file below ``root`` (sorted), without master data, hidden files and
    ``exclude`` (the index directory and the catalog database, :func:`service_files`).

    A symbolic link whose target lies outside ``root`` is skipped: its text would otherwise
    become readable through the index.
    """
    skipped = {exclude} if isinstance(exclude, Path) else set(exclude or ())
    found = []
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and here / d not in skipped)
        for name in filenames:
            if name.startswith((".", "~$")) or name in _SKIP_NAMES or here / name in skipped:
                continue
            rel = (here / name).relative_to(root).as_posix()
            if rel in _MASTER_FILES or _leaves_root(here / name, real_root):
                continue
            try:
                stat = (here / name).stat()
            except OSError:
                continue  # vanished between listing and stat
            name_text = readable(rel)
            found.append(FileFacts(name_text, stat.st_size, stat.st_mtime_ns,
                                   fs_path=rel if name_text != rel else ""))
    return sorted(found, key=lambda f: f.path)


def service_files(index_dir: Path, db_url: str | None = None) -> frozenset[Path]:
    """The index directory and the catalog's SQLite files: never documents, even when they
    lie inside the archive."""
    url = db_url or default_url(index_dir)
    found = {index_dir}
    if url.startswith("sqlite:///"):
        database = Path(url[len("sqlite:///"):]).resolve()
        found |= {database.with_name(database.name + s) for s in ("", "-wal", "-shm", "-journal")}
    return frozenset(found)


def readable(name: str) -> str:
    """A file name as text: names that are not UTF-8 on disk (old Windows shares write GBK)
    are decoded as GB18030, so they can be indexed, shown and searched."""
    parts = []
    for part in name.split("/"):
        try:
            part.encode("utf-8")
        except UnicodeEncodeError:
            part = os.fsencode(part).decode("gb18030", errors="replace")
        parts.append(part)
    return "/".join(parts)


def _leaves_root(path: Path, real_root: Path) -> bool:
    return path.is_symlink() and not path.resolve().is_relative_to(real_root)


def sha256_of(path: Path) -> str:
    """The file's SHA-256, hex (read in blocks, whatever its size)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def inside_archive(root: Path, relpath: str) -> Path:
    """``root/relpath`` resolved, refused unless it is a file below ``root``."""
    base = root.resolve()
    candidate = (base / relpath).resolve()
    if not candidate.is_relative_to(base) or candidate == base:
        raise NotFoundError("该档案的原文件不在档案目录内，拒绝读取")
    if not candidate.is_file():
        raise NotFoundError("该档案的原文件已不存在（可能已移动或删除，请重新建立索引）")
    return candidate
