"""The unit tree is cached in :class:`Access` and invalidated by its file changing: many
threads asking while the file is rewritten each get one whole tree, old or new, never a
mixture, and once the change is seen every later answer is the new tree."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from search_service.access.control import Access
from search_service.config import Settings

OLD = "单位,上级单位\n市供电公司,\n城东供电所,市供电公司\n"
NEW = "单位,上级单位\n市供电公司,\n临江县供电公司,市供电公司\n城东供电所,临江县供电公司\n"


def test_many_threads_see_whole_trees_and_the_new_one_after_a_change(tmp_path: Path,
                                                                    db_url: str) -> None:
    units = tmp_path / "units.csv"
    units.write_text(OLD, encoding="utf-8")
    access = Access(Settings(index_dir=tmp_path / "index", database_url=db_url, demo=True,
                             units_file=units))
    old, seen, errors = access.units(), [], []
    assert access.units() is old  # cached: the same tree while the file is the same
    start, lock = threading.Barrier(9), threading.Lock()

    def asker() -> None:
        start.wait()
        for _ in range(200):
            try:
                parents = dict(access.units().parents)
            except Exception as exc:  # noqa: BLE001 - a half-written file must not show
                errors.append(exc)
                continue
            with lock:
                seen.append(parents)

    workers = [threading.Thread(target=asker) for _ in range(8)]
    for worker in workers:
        worker.start()
    start.wait()
    staged = tmp_path / "units.new"
    staged.write_text(NEW, encoding="utf-8")
    os.replace(staged, units)  # how an operator should change it: whole, at once
    stat = units.stat()
    os.utime(units, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    for worker in workers:
        worker.join()
    new = {"市供电公司": "", "临江县供电公司": "市供电公司", "城东供电所": "临江县供电公司"}
    assert not errors
    assert all(parents in (old.parents, new) for parents in seen)
    assert access.units().parents == new and access.units() is access.units()
