"""Benchmark: 50 signed-in users of mixed roles against ``serve --workers 2`` on loopback.

    .venv/bin/python bench/bench_load.py [--seconds 30] [--kill] [--index DIR --root DIR] [--db URL]

Without ``--index`` it indexes the tests' small archive first, with a few scans added (a PNG,
a two-page TIFF, an image-only PDF), so page images of scans are among the reads. Prints
requests per second, p50 and p95 per kind of request, then checks that every request has
exactly one access-log record and that the chain verifies (full verify, timed). ``--kill``
then runs a second phase as long as the first with one worker killed by SIGKILL half-way.
Pass: no 5xx; in the first phase no dropped connection and no worker death; one record per
answered read (a cut-off one: none or one). Loopback only, bounded in time.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout (and tests/)

from indexer.pipeline import run_index  # noqa: E402
from search_service.access.control import Access  # noqa: E402
from search_service.config import Settings  # noqa: E402
from tests.load import (LoadResult, discover, log_counts, make_users, run_load,  # noqa: E402
                        served, sign_in_users, worker_pids)

SECRET = "bench-load-secret-not-for-production"


def add_scans(root: Path) -> None:
    """Scanned forms of a customer of the small archive: PNG, two-page TIFF, image-only PDF."""
    from tests.scans import page_image, scan_file

    folder = root / "城东供电所" / "3301000001_杭州明远纺织有限公司" / "用电检查"
    scan_file(folder / "用电检查工作单_2023-05-12.png", [page_image()])
    scan_file(folder / "用电检查工作单_2022-05-10.tif", [page_image(), page_image()])
    scan_file(folder / "用电检查工作单_2021-05-11.pdf", [page_image(), page_image()])


def phase(label: str, result: LoadResult, access: Access) -> tuple[int, int, int]:
    """Print a phase's figures; (5xx, dropped connections, requests with a wrong count)."""
    print(f"--- {label}")
    print(result.report())
    errors = sum(o.status >= 500 for o in result.outcomes)
    dropped = sum(o.status == 0 for o in result.outcomes)
    counts = log_counts(access, {o.request_id for o in result.outcomes})
    wrong = sum(counts.get(o.request_id, 0) != 1 for o in result.outcomes if o.status) + \
        sum(counts.get(o.request_id, 0) > 1 for o in result.outcomes if not o.status)
    print(f"5xx {errors} 个；连接中断 {dropped} 个；日志记录数不对的请求 {wrong} 个")
    return errors, dropped, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--db", default="")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill", action="store_true", help="a second phase, a worker killed")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    if args.index is None:
        from tests.factories import build_archive

        args.root = build_archive(work / "archive")
        add_scans(args.root)
        args.index = work / "index"
        run_index(args.root, args.index, workers=1, progress=False)
    url = args.db or Settings(index_dir=args.index).db_url()  # where the catalog was written
    access = Access(Settings(index_dir=args.index, archive_root=args.root, database_url=url,
                             secret_key=SECRET))
    names = make_users(access)
    with served(args.index, args.root, url, SECRET, workers=args.workers) as (base, server):
        clients = sign_in_users(base, names)
        city = next(n for n, name in enumerate(names) if name.startswith("load_archivist_city"))
        targets = discover(clients[city])
        print(f"{len(names)} 个用户，{args.workers} 个工作进程，{len(targets.docs)} 份档案"
              f"（PDF {len(targets.pdf_pages)}，扫描件 {len(targets.scan_pages)}），"
              f"每阶段 {args.seconds:.0f} 秒，数据库 {url.split(':')[0]}")
        workers = worker_pids(server.pid)
        first = run_load(clients, targets, args.seconds)
        died = sorted(set(workers) - set(worker_pids(server.pid)))
        second = None
        if args.kill:
            def kill_one() -> None:
                time.sleep(args.seconds / 2)
                os.kill(worker_pids(server.pid)[0], signal.SIGKILL)

            killer = threading.Thread(target=kill_one)
            killer.start()
            second = run_load(clients, targets, args.seconds, seed=1)
            killer.join()
    errors, dropped, wrong = phase("第一阶段", first, access)
    print(f"第一阶段退出的工作进程：{died or '无'}")
    failed = bool(errors or dropped or wrong or died)
    if second is not None:
        errors, _, wrong = phase("第二阶段（半程 SIGKILL 一个工作进程）", second, access)
        failed = failed or bool(errors or wrong)
    began = time.perf_counter()
    status = access.audit.verify()
    print(f"哈希链 {'完整' if status.ok else status.message}（{status.checked} 条，"
          f"完整校验 {time.perf_counter() - began:.2f} 秒）")
    return 0 if not failed and status.ok else 1


if __name__ == "__main__":
    sys.exit(main())
