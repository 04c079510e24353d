"""An indexing run: scan the archive, extract changed files on all cores, write one index.

Extraction runs in killable worker processes (:mod:`indexer.workers`) with a time and memory
limit per file; the main process is the single writer and commits in batches: each batch to
the catalog (the record, :mod:`indexer.catalog`) first, then the search engine catches up
from the catalog. An interrupted run keeps every batch committed before it and the next run
picks up the rest (unchanged files are recognised from the catalog by size and mtime, then
hash); an engine behind the catalog is caught up first. OCR results are cached by hash.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_mod
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from indexer import customers as customers_mod
from indexer import records as records_mod
from indexer.catalog import listing as catalog_mod
from indexer.catalog.page_lines import LineStore, PageLines
from indexer.catalog.store import Catalog, KnownFile, filing_timestamp
from indexer.errors import ExtractionError, FileAccessError, os_reason
from indexer.extract import SOURCE_TEXT, Extracted, Limits, extract
from indexer.files import RECORD_SOURCES, check_root, scan, service_files, sha256_of
from indexer.ocrcache import FILENAME as OCR_CACHE_FILE
from indexer.ocrcache import OcrCache
from indexer.records import FileFacts, document_record, failure_record, text_source_label
from indexer.schema import STATUS_DISPOSED, STATUS_FAILED, STATUS_OK
from indexer.store import prepare_index_dir, read_meta, write_meta
from indexer.sync import catch_up
from indexer.workers import DIED, DONE, MEMORY, Finished, Progress, TaskLimits, supervised
from search_service.access.masking import RULES_VERSION, numbers_record
from search_service.db import default_url
from search_service.engines.base import SearchEngine
from search_service.oversight.derived import Derivation

# Bump when extraction or inference changes what a file yields: every file is then redone.
# 4: PDF fallbacks, form values, look-alike code points (realdocs); no date inferred from
# inside a personal number (mask)
EXTRACTION_VERSION = 4


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
    pages: int = 0
    ocr_pages: int = 0
    ocr_cached: int = 0


@dataclass(frozen=True)
class Outcome:
    """A worker's answer for one file: its hashed facts and text, or why there is none."""

    facts: FileFacts
    text: str = ""
    pages: int = 0
    status: str = STATUS_OK
    error: str = ""
    source: str = SOURCE_TEXT
    ocr_confidence: float | None = None
    cached: bool = False
    page_lines: tuple = ()  # Extracted.page_lines

    @property
    def extracted(self) -> Extracted:
        return Extracted(self.text, self.pages, self.source, self.ocr_confidence,
                         self.page_lines)


def process_file(root: Path, facts: FileFacts, limits: Limits | None = None,
                 cache: OcrCache | None = None, on_page: Progress | None = None) -> Outcome:
    """Hash and extract one file (runs in a worker process; never raises for a bad file)."""
    path = root / (facts.fs_path or facts.path)
    try:
        facts = replace(facts, sha256=_hash_regular(path))
        cached = cache.get(facts.sha256) if cache else None
        extracted = cached or extract(path, limits, on_page)
        _check_unchanged(path, facts)
    except ExtractionError as exc:
        return Outcome(facts, status=exc.status, error=exc.message)
    except MemoryError:
        return Outcome(facts, status=STATUS_FAILED, error="处理时超出内存上限，已跳过")
    except OSError as exc:
        return Outcome(facts, status=STATUS_FAILED, error=f"无法读取文件（{os_reason(exc)}）")
    except Exception as exc:  # noqa: BLE001 - a library's bug in one file must not stop the run
        return Outcome(facts, status=STATUS_FAILED, error="文件内容不规范，解析时出错，已跳过")
    return Outcome(facts, extracted.text, extracted.pages, source=extracted.source,
                   ocr_confidence=extracted.ocr_confidence, cached=cached is not None,
                   page_lines=extracted.page_lines)


def _hash_regular(path: Path) -> str:
    """The SHA-256 of a regular file; vanished, special and unreadable files are refused."""
    try:
        info = path.stat()
        if not stat_mod.S_ISREG(info.st_mode):
            raise FileAccessError("不是普通文件（设备、管道或套接字），未处理")
        return sha256_of(path)
    except FileNotFoundError as exc:
        raise FileAccessError("文件在索引过程中被删除或移走") from exc
    except PermissionError as exc:
        raise FileAccessError("无权限读取文件（请检查文件权限）") from exc


def _check_unchanged(path: Path, facts: FileFacts) -> None:
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise FileAccessError("文件在索引过程中被删除或移走") from exc
    if (info.st_size, info.st_mtime_ns) != (facts.size, facts.mtime):
        raise FileAccessError("文件在索引过程中被修改，下次运行将重新处理")


class WarmUp:
    """A worker's start: import the format libraries before its first deadline starts, quiet
    them, and share the cores out among the workers' OCR engines."""

    def __init__(self, workers: int) -> None:
        self.ocr_threads = max(1, (os.cpu_count() or 1) // workers)

    def __call__(self) -> None:
        import docx  # noqa: F401
        import openpyxl  # noqa: F401
        import pypdf  # noqa: F401

        from indexer import ocr
        from indexer.extract import quiet_libraries

        quiet_libraries()
        ocr.set_threads(self.ocr_threads)


class BatchWriter:
    """The run's single writer, committing every ``batch_size`` records or ``seconds``: each
    batch is written to the catalog, then the engine catches up from the catalog."""

    def __init__(self, engine: SearchEngine, catalog: Catalog, batch_size: int,
                 seconds: float, derive: Derivation | None = None) -> None:
        self.engine, self.catalog = engine, catalog
        self.derive = derive or Derivation(catalog.engine)
        self.batch_size, self.seconds = batch_size, seconds
        self.records: list[dict[str, object]] = []
        self.removed: list[str] = []
        self.lines: dict[str, tuple] = {}  # OCR'd pages' lines by content (Extracted.page_lines)
        self.started = time.monotonic()

    def put(self, record: dict[str, object], page_lines: tuple = ()) -> None:
        self.records.append(record)
        if page_lines:
            self.lines[str(record["sha256"])] = page_lines
        self._count()

    def delete(self, doc_id: str) -> None:
        self.removed.append(doc_id)
        self._count()

    def _count(self) -> None:
        if (len(self.records) + len(self.removed) >= self.batch_size
                or time.monotonic() - self.started > self.seconds):
            self.commit()

    def commit(self) -> None:
        if self.records or self.removed:
            self.catalog.write(self.records, self.removed, EXTRACTION_VERSION)
        store = LineStore(self.catalog.engine)
        for sha256, found in self.lines.items():
            store.put(sha256, (PageLines.of(page) for page in found))
        catch_up(self.engine, self.catalog, self.derive)
        self._reset()

    def cancel(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.records, self.removed, self.started = [], [], time.monotonic()
        self.lines = {}


def _changed(facts: FileFacts, known: KnownFile | None, retry_failed: bool) -> bool:
    if known is not None and known.status == STATUS_DISPOSED:
        return False  # destroyed after appraisal: its record stays as the disposal left it
    return known is None or known.size != facts.size or known.mtime != facts.mtime or (
        retry_failed and known.status != STATUS_OK)


def _fingerprint(root: Path) -> str:
    """The master data's and the inference rules' fingerprint: a change refreshes records."""
    digest = hashlib.sha256(f"inference {records_mod.INFERENCE_VERSION}\n".encode())
    for name in sorted(RECORD_SOURCES):
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
    limits: Limits | None = None,
    task_limits: TaskLimits | None = None,
    retry_failed: bool = False,
    db_url: str | None = None,
    engine: SearchEngine | None = None,
) -> RunSummary:
    """Bring the catalog (database ``db_url``, by default beside ``index_dir``) and the search
    ``engine`` (by default the Whoosh index in ``index_dir``) up to date with the archive at
    ``root``.

    ``retry_failed`` also redoes files that failed before although they did not change
    (e.g. after installing LibreOffice or raising a limit).
    """
    began = time.monotonic()
    root, index_dir = root.resolve(), index_dir.resolve()
    check_root(root)
    customers = customers_mod.load_customers(root)
    catalog = catalog_mod.load_catalog(root)
    prepare_index_dir(index_dir)
    meta = read_meta(index_dir)
    records = Catalog.open(db_url or default_url(index_dir))
    engine = engine or _default_engine(index_dir)
    derive = Derivation(records.engine, root)  # rules.csv of this archive
    catch_up(engine, records, derive)  # a run that died after a catalog write left it behind
    known = {path: k if k.extraction_version == EXTRACTION_VERSION else replace(k, size=-1)
             for path, k in records.known_files().items()}
    files = scan(root, exclude=service_files(index_dir, db_url))
    present = {f.path for f in files}
    todo = [f for f in files if _changed(f, known.get(f.path), retry_failed)]
    todo_paths = {f.path for f in todo}
    summary = RunSummary()
    records.put_customers(customers)
    writer = BatchWriter(engine, records, batch_size, commit_seconds, derive)
    fingerprint = _fingerprint(root)
    cache = OcrCache(index_dir / OCR_CACHE_FILE, EXTRACTION_VERSION).open()
    task_limits = task_limits or TaskLimits()
    try:
        for path, entry in known.items():
            if path not in present:
                writer.delete(entry.doc_id)
                summary.removed += 1
        bar = tqdm(total=len(todo), desc="索引", unit="文件", disable=not progress,
                   dynamic_ncols=True)

        def page_done() -> None:
            summary.ocr_pages += 1
            bar.set_postfix_str(ocr_progress(summary.ocr_pages, time.monotonic() - began),
                                refresh=False)

        task = _Task(root, limits or Limits(), cache)
        workers = min(workers or os.cpu_count() or 1, len(todo))
        for finished in supervised(task, todo, workers, task_limits, on_progress=page_done,
                                   warm_up=WarmUp(workers)) if todo else ():
            outcome = _outcome_of(finished, task_limits)
            _write_outcome(outcome, known.get(outcome.facts.path), customers, catalog,
                           writer, summary)
            if outcome.status == STATUS_OK and not outcome.cached:
                cache.put(outcome.facts.sha256, outcome.extracted)
            bar.update(1)
        bar.close()
        if meta.get("master_fingerprint") != fingerprint:
            _refresh_master_data(records, present - todo_paths, customers, catalog, writer,
                                 summary)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        cache.close()
        engine.close()
    _fill_numbers(records, progress)
    summary.unchanged += len(files) - len(todo) - summary.refreshed
    summary.still_failing = sum(
        1 for f in files if f.path not in todo_paths
        and known[f.path].status not in (STATUS_OK, STATUS_DISPOSED))
    write_meta(index_dir, {"root": str(root), "master_fingerprint": fingerprint,
                           "extraction_version": EXTRACTION_VERSION, "finished_at": time.time()})
    summary.seconds = time.monotonic() - began
    return summary


def _fill_numbers(records: Catalog, progress: bool) -> None:
    """Where the personal numbers stand, for documents extracted before the catalog kept it
    or under other masking rules (what a masked snippet reads: ``masking.numbers_record``)."""
    bar = None

    def advanced(done: int, total: int) -> None:
        nonlocal bar
        bar = bar or tqdm(total=total, desc="遮蔽位置", unit="份", disable=not progress,
                          dynamic_ncols=True)
        bar.update(done - bar.n)

    records.fill_numbers(numbers_record, f"{RULES_VERSION}:", advanced)
    if bar is not None:
        bar.close()


def ocr_progress(pages: int, seconds: float) -> str:
    """The OCR part of the progress bar: pages read so far and the pace (the slow path)."""
    pace = f"，{pages / seconds:.2f} 页/秒" if seconds >= 1 and pages >= 2 else ""
    return f"OCR {pages} 页{pace}"


class _Task:
    """The worker's job for one file (built before the fork, so nothing is pickled)."""

    def __init__(self, root: Path, limits: Limits, cache: OcrCache) -> None:
        self.root, self.limits, self.cache = root, limits, cache

    def __call__(self, facts: FileFacts, on_page: Progress) -> Outcome:
        return process_file(self.root, facts, self.limits, self.cache, on_page)


def _outcome_of(finished: Finished[FileFacts, Outcome], limits: TaskLimits) -> Outcome:
    """The worker's outcome, or a failure saying why its worker had to be stopped."""
    if finished.state == DONE and finished.result is not None:
        return finished.result
    budget = f"{(limits.resident_bytes or limits.memory_bytes or 0) / 2**20:.0f} MB"
    if finished.state == MEMORY:
        reason = (f"处理此文件占用的内存超过每个处理进程的上限 {budget}，已终止并跳过；"
                  "可用 --memory-mb 调高上限后以 --retry-failed 重试")
    elif finished.state == DIED:
        reason = f"处理进程异常退出（可能超出内存上限 {budget} 或解析库崩溃），已跳过"
    else:
        reason = f"处理超时（超过 {limits.seconds:.0f} 秒无进展），已终止并跳过"
    return Outcome(finished.item, status=STATUS_FAILED, error=reason)


def _write_outcome(outcome, known, customers, catalog, writer, summary) -> None:  # noqa: ANN001
    """Write one worker outcome and count it in the summary."""
    facts = outcome.facts
    if outcome.status != STATUS_OK:
        writer.put(failure_record(facts, outcome.status, outcome.error, customers, catalog))
        summary.failed.append((facts.path, outcome.error))
        return
    summary.pages += outcome.pages
    summary.ocr_cached += outcome.cached
    record = document_record(facts, outcome.text, outcome.pages, customers, catalog,
                             text_source_label(outcome.source, outcome.ocr_confidence),
                             outcome.ocr_confidence)
    writer.put(record, outcome.page_lines)
    if known is None:
        summary.added += 1
    elif known.sha256 == facts.sha256 and known.status == STATUS_OK:
        summary.unchanged += 1  # touched (new mtime), same content
    else:
        summary.updated += 1
    if record["account_no"] not in customers:
        summary.unassigned.append(facts.path)


def _refresh_master_data(records, paths, customers, catalog, writer,  # noqa: ANN001
                         summary) -> None:
    """Customers or catalog changed: rebuild the records of ``paths`` from the catalog
    (documents from their text, failed files from their reason), without reading files."""
    for row in records.rows(paths):
        if row["status"] == STATUS_DISPOSED:
            continue
        facts = FileFacts(row["path"], row["size"], row["mtime"], row["sha256"])
        if row["status"] != STATUS_OK:
            record = failure_record(facts, row["status"], row["error"], customers, catalog)
        else:
            record = document_record(facts, row["content"], row["pages"], customers, catalog,
                                     row["text_source"], row["ocr_confidence"])
        filed = record.get("filed_on")
        if any(row.get(k, v) != v for k, v in record.items()
               if k not in ("ocr_confidence", "name_pinyin", "name_initials")) \
                or (filed and row["cataloged_at"] != filing_timestamp(filed)):
            writer.put(record)
            summary.refreshed += 1


def _default_engine(index_dir: Path) -> SearchEngine:
    from search_service.engines import whoosh_home
    from search_service.engines.whoosh import WhooshEngine

    return WhooshEngine(whoosh_home(index_dir))
