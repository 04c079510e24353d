import threading
import time
from pathlib import Path

import pytest

from indexer.errors import IndexDirError
from indexer.pipeline import RunSummary
from indexer.watch import watch
from search_service.reading.search import SearchParams
from tests.factories import build_archive, make_txt
from tests.searching import search


def wait_for(condition, seconds: float = 30.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_dropped_files_are_indexed_once_settled(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "archive")
    runs: list[RunSummary] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, tmp_path / "ix"), kwargs={
        "interval": 0.1, "debounce": 1.0, "on_run": runs.append, "stop": stop,
        "workers": 1, "progress": False})
    watcher.start()
    try:
        wait_for(lambda: len(runs) == 1)
        assert runs[0].added == 6
        dropped = root / "城东供电所" / "扫描站" / "新到件.txt"
        for n in range(5):  # a scanner writing a file in pieces: no run until it settles
            make_txt(dropped, "用电申请书 户号：3301000001 分批写入" + "。" * n)
            time.sleep(0.1)
        wait_for(lambda: len(runs) == 2)
        assert (runs[1].added, runs[1].unchanged) == (1, 6)
        assert search(tmp_path / "ix", SearchParams(q="分批写入")).total == 1
        time.sleep(1.5)
        assert len(runs) == 2  # nothing changed: no further run
    finally:
        stop.set()
        watcher.join(30)


def test_a_second_watcher_on_the_same_index_is_refused(tmp_path: Path) -> None:
    root = build_archive(tmp_path / "archive")
    stop = threading.Event()
    started = threading.Event()
    first = threading.Thread(target=watch, args=(root, tmp_path / "ix"), kwargs={
        "interval": 0.1, "stop": stop, "on_run": lambda s: started.set(), "workers": 1,
        "progress": False})
    first.start()
    try:
        assert started.wait(30)
        with pytest.raises(IndexDirError, match="只能有一个写入者"):
            watch(root, tmp_path / "ix", stop=threading.Event(), progress=False)
    finally:
        stop.set()
        first.join(30)


def test_a_bad_customers_file_is_reported_and_the_watch_goes_on(tmp_path: Path) -> None:
    from tests.factories import write_customers

    root = build_archive(tmp_path / "archive")
    runs: list[RunSummary] = []
    errors: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, tmp_path / "ix"), kwargs={
        "interval": 0.1, "debounce": 0.3, "on_run": runs.append, "stop": stop,
        "on_error": lambda exc: errors.append(exc.message), "workers": 1, "progress": False})
    watcher.start()
    try:
        wait_for(lambda: len(runs) == 1)
        (root / "customers.csv").write_text("户号,户名\n3301000001,半截文件\n", "utf-8")
        wait_for(lambda: len(errors) == 1)
        assert "缺少" in errors[0] or "供电单位" in errors[0]
        write_customers(root)
        wait_for(lambda: len(runs) == 2)
        assert watcher.is_alive()
    finally:
        stop.set()
        watcher.join(30)
