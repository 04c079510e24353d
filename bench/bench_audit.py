"""Benchmark: the access log on SQLite (WAL) — appends, concurrent appenders, verify, query.

    .venv/bin/python bench/bench_audit.py [--records 20000] [--processes 4]

Prints appends per second from one process and from several processes at once (each append
its own transaction holding the write lock, as the service does per request), the time to
verify the whole chain, and a filtered, paged query ("who viewed customer X").
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

from search_service.audit import AuditLog, Event, Filters
from search_service.db import make_engine
from search_service.users import User

KEY = b"bench-audit-key"


def append_many(url: str, name: str, count: int) -> None:
    log = AuditLog(make_engine(url), KEY)
    user = User(name, "clerk", "城东供电所")
    for n in range(count):
        log.append(Event.by(user, "document_view", target_doc=f"{n:016x}",
                            target_account=f"33{n % 5000:08d}", details={"q": "明远"}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-audit-')) / 'audit.db'}"
    log = AuditLog(make_engine(url), KEY)

    began = time.perf_counter()
    append_many(url, "single", args.records // 2)
    single = time.perf_counter() - began
    print(f"1 process:   {args.records // 2 / single:7.0f} appends/s")

    per_process = args.records // 2 // args.processes
    began = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=append_many, args=(url, f"p{i}", per_process))
               for i in range(args.processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    together = time.perf_counter() - began
    print(f"{args.processes} processes: {per_process * args.processes / together:7.0f} appends/s "
          f"(together, including process start)")

    began = time.perf_counter()
    status = log.verify()
    print(f"verify:      {(time.perf_counter() - began) * 1000:7.0f} ms for {status.checked} "
          f"records ({'ok' if status.ok else status.message})")

    began = time.perf_counter()
    total, _ = log.query(Filters(account="3300000042"), page=1, page_size=50)
    print(f"query:       {(time.perf_counter() - began) * 1000:7.1f} ms "
          f"(who viewed 户号 3300000042: {total} records)")
    return 0 if status.ok else 1


if __name__ == "__main__":
    sys.exit(main())
