"""An indexing run: scan the archive, extract changed files on all cores, write one index.

Extraction runs in worker processes; the main process is the single Whoosh writer and
commits in batches, so an interrupted run keeps every batch committed before it and the
next run picks up the rest (unchanged files are recognised by size and mtime, then hash).
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

from indexer import catalog as catalog_mod
from indexer import customers as customers_mod
from indexer.errors import ArchiveRootError, ExtractionError
from indexer.extract import extract
from indexer.records import FileFacts, document_record, file_record
from indexer.schema import STATUS_OK
from indexer.store import KnownFile, known_files, open_index, read_meta, write_meta

# Bump when extraction or inference changes what a file yields: every file is then redone.
EXTRACTION_VERSION = 2
_SKIP_NAMES = frozenset({"Thumbs.db", "desktop.ini"})
_MASTER_FILES = frozenset({*customers_mod.FILENAMES, catalog_mod.FILENAME})

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class RunSummary:
    """What a run did; ``failed`` and ``unassigned`` name files and reasons."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    refreshed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    still_failing: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Outcome:
    """A worker's answer for one file: its hashed facts and text, or why there is none."""

    facts: FileFacts
    text: str = ""
    pages: int = 0
    status: str = STATUS_OK
    error: str = ""


def check_root(root: Path) -> None:
    if not root.exists():
        raise ArchiveRootError(f"档案目录不存在：{root}")
    if not root.is_dir():
        raise ArchiveRootError(f"档案目录不是文件夹：{root}")
    if not os.access(root, os.R_OK | os.X_OK):
        raise ArchiveRootError(f"档案目录无法读取（权限不足）：{root}")


def scan(root: Path, exclude: Path | None = None) -> list[FileFacts]:
    """Every document file below ``root`` (sorted), without master data and hidden files.

    A symbolic link whose target lies outside ``root`` is skipped: its text would otherwise
    become readable through the index.
    """
    found = []
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and (exclude is None or here / d != exclude))
        for name in filenames:
            if name.startswith((".", "~$")) or name in _SKIP_NAMES:
                continue
            rel = (here / name).relative_to(root).as_posix()
            if rel in _MASTER_FILES or _leaves_root(here / name, real_root):
                continue
            try:
                stat = (here / name).stat()
            except OSError:
                continue  # vanished between listing and stat
            found.append(FileFacts(rel, stat.st_size, stat.st_mtime_ns))
    return sorted(found, key=lambda f: f.path)


def _leaves_root(path: Path, real_root: Path) -> bool:
    return path.is_symlink() and not path.resolve().is_relative_to(real_root)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def process_file(root: Path, facts: FileFacts) -> Outcome:
    """Hash and extract one file (runs in a worker process; never raises for a bad file)."""
    path = root / facts.path
    try:
        facts = FileFacts(facts.path, facts.size, facts.mtime, sha256_of(path))
        extracted = extract(path)
    except ExtractionError as exc:
        return Outcome(facts, status=exc.status, error=exc.message)
    except OSError as exc:
        return Outcome(facts, status="failed", error=f"无法读取文件（{exc.strerror or exc}）")
    except Exception as exc:  # noqa: BLE001 - a library's bug in one file must not stop the run
        return Outcome(facts, status="failed", error=f"解析出错（{type(exc).__name__}: {exc}）")
    return Outcome(facts, extracted.text, extracted.pages)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def parallel(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """Apply ``fn`` on ``workers`` processes, yielding results as they complete.

    At most a few tasks per worker are in flight, so memory stays flat on huge archives.
    """
    if workers <= 1:
        yield from map(fn, items)
        return
    pending: set[Future[R]] = set()
    with ProcessPoolExecutor(workers, initializer=_ignore_sigint) as pool:
        try:
            for item in items:
                pending.add(pool.submit(fn, item))
                if len(pending) >= workers * 4:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (f.result() for f in done)
            for future in _as_done(pending):
                yield future.result()
        finally:
            for future in pending:
                future.cancel()


def _as_done(pending: set[Future[R]]) -> Iterator[Future[R]]:
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from done


class BatchWriter:
    """The run's single writer, committing every ``batch_size`` records or ``seconds``."""

    def __init__(self, ix, batch_size: int, seconds: float) -> None:  # noqa: ANN001
        self.ix, self.batch_size, self.seconds = ix, batch_size, seconds
        self.writer = None
        self.pending = 0
        self.started = time.monotonic()

    def _writer(self):  # noqa: ANN202
        if self.writer is None:
            self.writer = self.ix.writer(limitmb=256)
            self.started = time.monotonic()
        return self.writer

    def put(self, record: dict[str, object]) -> None:
        self._writer().update_document(**record)
        self._count()

    def delete(self, doc_id: str) -> None:
        self._writer().delete_by_term("doc_id", doc_id)
        self._count()

    def _count(self) -> None:
        self.pending += 1
        if self.pending >= self.batch_size or time.monotonic() - self.started > self.seconds:
            self.commit()

    def commit(self) -> None:
        if self.writer is not None:
            self.writer.commit()
        self.writer, self.pending = None, 0

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
        self.writer, self.pending = None, 0


def _changed(facts: FileFacts, known: KnownFile | None) -> bool:
    return known is None or known.size != facts.size or known.mtime != facts.mtime


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for name in sorted(_MASTER_FILES):
        if (root / name).is_file():
            digest.update(name.encode() + b"\0" + (root / name).read_bytes())
    return digest.hexdigest()


def run_index(
    root: Path,
    index_dir: Path,
    *,
    workers: int | None = None,
    progress: bool = True,
    batch_size: int = 1000,
    commit_seconds: float = 60.0,
) -> RunSummary:
    """Bring the index in ``index_dir`` up to date with the archive at ``root``."""
    began = time.monotonic()
    root, index_dir = root.resolve(), index_dir.resolve()
    check_root(root)
    customers = customers_mod.load_customers(root)
    catalog = catalog_mod.load_catalog(root)
    ix = open_index(index_dir, create=True)
    meta = read_meta(index_dir)
    known = known_files(ix) if meta.get("extraction_version") == EXTRACTION_VERSION else {
        path: replace(k, size=-1) for path, k in known_files(ix).items()
    }
    files = scan(root, exclude=index_dir)
    present = {f.path for f in files}
    todo = [f for f in files if _changed(f, known.get(f.path))]
    todo_paths = {f.path for f in todo}
    summary = RunSummary()
    writer = BatchWriter(ix, batch_size, commit_seconds)
    fingerprint = _fingerprint(root)
    try:
        for path, entry in known.items():
            if path not in present:
                writer.delete(entry.doc_id)
                summary.removed += 1
        bar = tqdm(total=len(todo), desc="索引", unit="文件", disable=not progress,
                   dynamic_ncols=True)
        for outcome in parallel(_bind_root(root), todo, workers or os.cpu_count() or 1):
            _write_outcome(outcome, known.get(outcome.facts.path), customers, catalog,
                           writer, summary)
            bar.update(1)
        bar.close()
        if meta.get("master_fingerprint") != fingerprint:
            _refresh_master_data(ix, present - todo_paths, customers, catalog, writer, summary)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    summary.unchanged += len(files) - len(todo) - summary.refreshed
    summary.still_failing = sum(
        1 for f in files if f.path not in todo_paths and known[f.path].status != STATUS_OK
    )
    write_meta(index_dir, {"root": str(root), "master_fingerprint": fingerprint,
                           "extraction_version": EXTRACTION_VERSION, "finished_at": time.time()})
    summary.seconds = time.monotonic() - began
    return summary


class _bind_root:  # noqa: N801 - a picklable partial, named like the function it stands for
    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, facts: FileFacts) -> Outcome:
        return process_file(self.root, facts)


def _write_outcome(outcome, known, customers, catalog, writer, summary) -> None:  # noqa: ANN001
    """Write one worker outcome and count it in the summary."""
    facts = outcome.facts
    if outcome.status != STATUS_OK:
        writer.put(file_record(facts, outcome.status, outcome.error))
        summary.failed.append((facts.path, outcome.error))
        return
    record = document_record(facts, outcome.text, outcome.pages, customers, catalog)
    writer.put(record)
    if known is None:
        summary.added += 1
    elif known.sha256 == facts.sha256 and known.status == STATUS_OK:
        summary.unchanged += 1  # touched (new mtime), same content
    else:
        summary.updated += 1
    if record["account_no"] not in customers:
        summary.unassigned.append(facts.path)


def _refresh_master_data(ix, paths, customers, catalog, writer, summary) -> None:  # noqa: ANN001
    """Customers or catalog changed: rebuild the records of ``paths`` from their stored text."""
    with ix.searcher() as searcher:
        for stored in searcher.all_stored_fields():
            if stored["status"] != STATUS_OK or stored["path"] not in paths:
                continue
            facts = FileFacts(stored["path"], stored["size"], stored["mtime"], stored["sha256"])
            record = document_record(facts, stored.get("content", ""), stored.get("pages", 0),
                                     customers, catalog)
            if any(stored.get(k, "") != v for k, v in record.items()
                   if k != "error" and searcher.schema[k].stored):
                writer.put(record)
                summary.refreshed += 1
