"""Keep indexing a folder as files are dropped in (the scanning station's folder).

The folder is polled (portable, works on network shares); a run starts once nothing has
changed for ``debounce`` seconds, so a scanner still writing a file is not read half-way.
One watcher per index: a lock file refuses a second one, and runs never overlap, so the
index keeps a single writer.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable
from pathlib import Path

from indexer import customers
from indexer.catalog import listing as catalog
from indexer.errors import ArchiveSearchError, IndexDirError
from indexer.files import check_root, scan, service_files
from indexer.pipeline import RunSummary, run_index

LOCK_FILE = ".watch.lock"
Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path, index_dir: Path, db_url: str | None = None) -> Snapshot:
    """Size and mtime of every document and of the master data (customers, catalog)."""
    files = {f.path: (f.size, f.mtime)
             for f in scan(root, exclude=service_files(index_dir, db_url))}
    for name in (*customers.FILENAMES, catalog.FILENAME):
        try:
            info = (root / name).stat()
        except OSError:
            continue
        files[name] = (info.st_size, info.st_mtime_ns)
    return files


def watch(root: Path, index_dir: Path, *, interval: float = 2.0, debounce: float = 5.0,
          on_run: Callable[[RunSummary], None] = lambda s: None,
          on_error: Callable[[ArchiveSearchError], None] = lambda e: None,
          stop: threading.Event | None = None, **index_options: object) -> int:
    """Index ``root`` now and after every settled change until ``stop`` is set.

    A run that fails on bad input (say a customers.csv caught half-written) is reported to
    ``on_error`` and retried after the next change. Returns the number of runs that completed.
    ``index_options`` go to :func:`run_index`.
    """
    root, index_dir = root.resolve(), index_dir.resolve()
    check_root(root)
    stop = stop or threading.Event()
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir.parent / f"{index_dir.name}{LOCK_FILE}").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexDirError(f"另一个进程正在监视并写入索引 {index_dir}，同一索引只能有一个写入者") from exc
        run = _Runner(root, index_dir, index_options, on_run, on_error)
        db_url = index_options.get("db_url")
        return _loop(lambda: snapshot(root, index_dir, db_url if isinstance(db_url, str) else None),
                     interval, debounce, run, stop)


class _Runner:
    """One indexing run, its outcome reported; returns whether it completed."""

    def __init__(self, root: Path, index_dir: Path, options: dict[str, object],
                 on_run: Callable[[RunSummary], None],
                 on_error: Callable[[ArchiveSearchError], None]) -> None:
        self.root, self.index_dir, self.options = root, index_dir, options
        self.on_run, self.on_error = on_run, on_error

    def __call__(self) -> bool:
        try:
            summary = run_index(self.root, self.index_dir, **self.options)  # type: ignore[arg-type]
        except ArchiveSearchError as exc:
            self.on_error(exc)
            return False
        self.on_run(summary)
        return True


def _loop(look: Callable[[], Snapshot], interval: float, debounce: float,
          run: Callable[[], bool], stop: threading.Event) -> int:
    seen = look()
    runs, settled_since = int(run()), None
    while not stop.wait(interval):
        now = look()
        if now != seen:
            seen, settled_since = now, time.monotonic()
        elif settled_since is not None and time.monotonic() - settled_since >= debounce:
            runs, settled_since = runs + run(), None
    return runs
