"""Integrity check of an archive against its catalog (the 四性检测 idea: a hash per file).

Every file's SHA-256 is recorded at indexing; :func:`verify` re-hashes the archive and reports
files that changed without being re-indexed, went missing, no longer open, or were never
indexed. Each file is checked in a killable worker, so a hostile file cannot hang the check.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.catalog.store import Catalog, KnownFile
from indexer.errors import ExtractionError, IndexDirError, os_reason
from indexer.files import check_root, scan, service_files, sha256_of
from indexer.filetypes import IMAGE_KINDS, sniff
from indexer.workers import DONE, TaskLimits, supervised

CHANGED, MISSING, UNOPENABLE, UNINDEXED = "changed", "missing", "unopenable", "unindexed"
PROBLEM_LABELS = {
    CHANGED: "内容已变更但未重新索引",
    MISSING: "文件缺失",
    UNOPENABLE: "文件已无法打开",
    UNINDEXED: "新文件，尚未索引",
}


@dataclass(frozen=True)
class Problem:
    path: str
    kind: str  # CHANGED, MISSING, UNOPENABLE or UNINDEXED
    detail: str = ""

    @property
    def label(self) -> str:
        return PROBLEM_LABELS[self.kind]


@dataclass
class IntegrityReport:
    checked: int = 0
    intact: int = 0
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"checked": self.checked, "intact": self.intact,
                "problems": [{**asdict(p), "label": p.label} for p in self.problems]}


def verify(root: Path, index_dir: Path, workers: int | None = None,
           limits: TaskLimits | None = None, db_url: str | None = None) -> IntegrityReport:
    """Compare the files under ``root`` with the hashes recorded in the catalog (database
    ``db_url``, by default beside ``index_dir``)."""
    from search_service.db import default_url

    root, index_dir = root.resolve(), index_dir.resolve()
    check_root(root)
    if not (db_url or index_dir.is_dir()):
        raise IndexDirError(f"索引目录 {index_dir} 中没有索引，请先运行 archive-search index")
    known = Catalog.open(db_url or default_url(index_dir)).known_files()
    on_disk = {f.path: f.fs_path or f.path for f in scan(root, exclude=service_files(index_dir, db_url))}
    present = set(on_disk)
    report = IntegrityReport()
    report.problems += [Problem(p, MISSING) for p in sorted(set(known) - present)]
    report.problems += [Problem(p, UNINDEXED) for p in sorted(present - set(known))]
    checks = [(path, on_disk[path], known[path]) for path in sorted(present & set(known))]
    task = _Check(root)
    for finished in supervised(task, checks, workers or os.cpu_count() or 1,
                               limits or TaskLimits(seconds=60)):
        path = finished.item[0]
        report.checked += 1
        problem = finished.result if finished.state == DONE else Problem(
            path, UNOPENABLE, "检查时超时或进程异常退出")
        if problem is None:
            report.intact += 1
        else:
            report.problems.append(problem)
    report.problems.sort(key=lambda p: (p.kind, p.path))
    return report


class _Check:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, item: tuple[str, str, KnownFile], on_page: object) -> Problem | None:
        return check_file(self.root, *item)


def check_file(root: Path, relpath: str, fs_path: str, known: KnownFile) -> Problem | None:
    """The problem with one indexed file, or None when it is as indexed."""
    path = root / fs_path
    try:
        digest = sha256_of(path)
    except FileNotFoundError:
        return Problem(relpath, MISSING)
    except OSError as exc:
        return Problem(relpath, UNOPENABLE, f"无法读取（{os_reason(exc)}）")
    if known.sha256 and digest == known.sha256:
        return None
    reason = opens(path) if known.status == "ok" else None
    if reason:
        return Problem(relpath, UNOPENABLE, reason)
    return Problem(relpath, CHANGED, f"SHA-256 由 {known.sha256[:12] or '未记录'}… 变为 {digest[:12]}…")


def opens(path: Path) -> str | None:
    """Why the file no longer opens as its format, or None when it opens."""
    try:
        kind = sniff(path)
        if kind == "pdf":
            from indexer.extract.pdf import page_count

            page_count(path)
        elif kind in ("docx", "xlsx", "pptx", "odt", "ods", "odp"):
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
            if bad:
                return f"压缩包成员 {bad} 已损坏"
        elif kind in IMAGE_KINDS:
            from PIL import Image

            with Image.open(path) as image:
                image.verify()
    except ExtractionError as exc:
        return exc.message
    except Exception:  # noqa: BLE001 - any failure to open is the finding
        return "文件无法按其格式打开（损坏或不完整）"
    return None
