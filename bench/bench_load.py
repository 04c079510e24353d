"""Benchmark: 50 signed-in users of mixed roles against ``serve --workers 2`` on loopback.

    .venv/bin/python bench/bench_load.py [--seconds 30] [--index DIR --root DIR] [--db URL]

Without ``--index`` it indexes the tests' small archive first. Prints requests per second,
p50 and p95 per kind of request, then checks that every request has exactly one access-log
record and that the chain verifies (full verify, timed). Loopback only, bounded in time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout (and tests/)

from indexer.pipeline import run_index  # noqa: E402
from search_service.access import Access  # noqa: E402
from search_service.config import Settings  # noqa: E402
from tests.load import (discover, log_counts, make_users, run_load, served,  # noqa: E402
                        sign_in_users)

SECRET = "bench-load-secret-not-for-production"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--db", default="")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    if args.index is None:
        from tests.factories import build_archive

        args.root = build_archive(work / "archive")
        args.index = work / "index"
        run_index(args.root, args.index, workers=1, progress=False)
    url = args.db or f"sqlite:///{work / 'service.db'}"
    access = Access(Settings(index_dir=args.index, archive_root=args.root, database_url=url,
                             secret_key=SECRET))
    names = make_users(access)
    with served(args.index, args.root, url, SECRET, workers=args.workers) as (base, _):
        clients = sign_in_users(base, names)
        city = next(n for n, name in enumerate(names) if name.startswith("load_archivist_city"))
        targets = discover(clients[city])
        print(f"{len(names)} 个用户，{args.workers} 个工作进程，{len(targets.docs)} 份档案，"
              f"{args.seconds:.0f} 秒，数据库 {url.split(':')[0]}")
        result = run_load(clients, targets, args.seconds)
    print(result.report())
    errors = [o for o in result.outcomes if o.status == 0 or o.status >= 500]
    counts = log_counts(access, {o.request_id for o in result.outcomes})
    wrong = sum(counts.get(o.request_id, 0) != 1 for o in result.outcomes)
    began = time.perf_counter()
    status = access.audit.verify()
    print(f"5xx 或连接失败 {len(errors)} 个；日志记录数不为 1 的请求 {wrong} 个；"
          f"哈希链 {'完整' if status.ok else status.message}（{status.checked} 条，"
          f"完整校验 {time.perf_counter() - began:.2f} 秒）")
    return 0 if not errors and not wrong and status.ok else 1


if __name__ == "__main__":
    sys.exit(main())
