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

from indexer.errors import IndexDirError
from indexer.pipeline import RunSummary, check_root, run_index, scan

LOCK_FILE = ".watch.lock"
Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path, index_dir: Path) -> Snapshot:
    return {f.path: (f.size, f.mtime) for f in scan(root, exclude=index_dir)}


def watch(root: Path, index_dir: Path, *, interval: float = 2.0, debounce: float = 5.0,
          on_run: Callable[[RunSummary], None] = lambda s: None,
          stop: threading.Event | None = None, **index_options: object) -> int:
    """Index ``root`` now and after every settled change until ``stop`` is set.

    Returns the number of runs made. ``index_options`` go to :func:`run_index`.
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
        return _loop(root, index_dir, interval, debounce, on_run, stop, index_options)


def _loop(root: Path, index_dir: Path, interval: float, debounce: float,
          on_run: Callable[[RunSummary], None], stop: threading.Event,
          options: dict[str, object]) -> int:
    seen = snapshot(root, index_dir)
    on_run(run_index(root, index_dir, **options))  # type: ignore[arg-type]
    runs, settled_since = 1, None
    while not stop.wait(interval):
        now = snapshot(root, index_dir)
        if now != seen:
            seen, settled_since = now, time.monotonic()
        elif settled_since is not None and time.monotonic() - settled_since >= debounce:
            on_run(run_index(root, index_dir, **options))  # type: ignore[arg-type]
            runs, settled_since = runs + 1, None
    return runs
