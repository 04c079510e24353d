"""Benchmark: the access log on SQLite (WAL) — appends, concurrent appenders, verify, query.

    .venv/bin/python bench/bench_audit.py [--records 20000] [--processes 4]
    .venv/bin/python bench/bench_audit.py --bulk 1000000 [--db URL]

Prints appends per second from one process and from several processes at once (each append
its own transaction holding the write lock, as the service does per request), the time to
verify the whole chain, and a filtered, paged query ("who viewed customer X").

``--bulk N`` instead writes an N-record chain directly (records spread over the past year,
hashed exactly as appends hash them), then times the full ``audit verify``, the quick check
after a checkpoint, and the auditor's page ``/audit`` itself (median of 5 views; each view
also appends its own record, so each quick check has new records to check).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout (and tests/)
from search_service.access.audit import (GENESIS, AuditLog, Event, Filters, canonical_details,
                                         head, iso, records)
from search_service.access.users import User
from search_service.errors import AccountError
from search_service.migrate import make_engine

KEY = b"bench-audit-key-not-secret"


def append_many(url: str, name: str, count: int) -> None:
    log = AuditLog(make_engine(url), KEY)
    user = User(name, "clerk", "城东供电所")
    for n in range(count):
        log.append(Event.by(user, "document_view", target_doc=f"{n:016x}",
                            target_account=f"33{n % 5000:08d}", details={"q": "明远"}))


def bulk_chain(log: AuditLog, count: int, batch: int = 20000) -> None:
    """Write ``count`` chained records straight into the tables (as appends would)."""
    end = datetime.now(timezone.utc)
    step = timedelta(days=365) / count
    prev, start = GENESIS, end - timedelta(days=365)
    for first in range(1, count + 1, batch):
        rows = []
        for seq in range(first, min(first + batch, count + 1)):
            row = {"seq": seq, "at": iso(start + step * seq), "user": f"user{seq % 300}",
                   "role": "clerk", "org": "城东供电所", "action": "document_view",
                   "outcome": "allowed", "reason": "", "target_doc": f"{seq:016x}",
                   "target_account": f"33{seq % 50000:08d}", "client_ip": "10.0.0.1",
                   "user_agent": "bench", "request_id": f"r{seq}",
                   "details": canonical_details({"q": "明远"}), "prev_hash": prev}
            row["hash"] = prev = log.digest(row)
            rows.append(row)
        with log.engine.begin() as conn:
            conn.execute(insert(records), rows)
            conn.execute(update(head).where(head.c.id == 1).values(seq=rows[-1]["seq"],
                                                                   hash=prev))


def timed(action: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def bench_bulk(url: str, count: int) -> int:
    from fastapi.testclient import TestClient

    from indexer.pipeline import run_index
    from search_service.api.app import create_app
    from search_service.config import Settings
    from tests.factories import build_archive

    log = AuditLog(make_engine(url), KEY)
    if log.verify_recent().last_seq == 0:  # an existing bench database (--db) is reused
        seconds, _ = timed(lambda: bulk_chain(log, count))
        print(f"bulk write:  {seconds:7.1f} s for {count} records")
    seconds, status = timed(log.verify)
    print(f"full verify: {seconds:7.1f} s for {status.checked} records "
          f"({'ok' if status.ok else status.message}; writes a checkpoint)")
    seconds, status = timed(log.verify_recent)
    print(f"quick check: {seconds * 1000:7.0f} ms ({status.checked} new records, "
          f"{status.vouched} vouched by checkpoints)")
    work = Path(tempfile.mkdtemp(prefix="bench-audit-app-"))
    root = build_archive(work / "archive")
    run_index(root, work / "index", workers=1, progress=False)
    settings = Settings(index_dir=work / "index", archive_root=root, database_url=url,
                        secret_key=KEY.decode())
    app = create_app(settings)
    try:
        app.state.access.accounts.create_user(User("bench", "admin", ""), "auditor1",
                                              "Bench-password-2026", "auditor", "")
    except AccountError:
        pass  # a reused bench database
    client = TestClient(app)
    client.post("/api/login", json={"username": "auditor1", "password": "Bench-password-2026"})
    views = []
    for _ in range(5):
        seconds, response = timed(lambda: client.get("/audit"))
        assert response.status_code == 200 and "访问日志完整" in response.text, response.text[:500]
        views.append(seconds)
    print(f"/audit page: {statistics.median(views) * 1000:7.0f} ms median of 5 "
          f"(min {min(views) * 1000:.0f}, max {max(views) * 1000:.0f}) at {count} records")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--bulk", type=int, default=0, help="write this many records directly, "
                        "then time full verify, the quick check and the auditor's page")
    parser.add_argument("--db", default="", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-audit-')) / 'audit.db'}"
    if args.bulk:
        return bench_bulk(url, args.bulk)
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
