"""Benchmark: oversight figures over a large catalog (SQL only, no files, no search index).

Fills a fresh SQLite database with ``--customers`` customers (25 供电所, the three classes
in proportion 1:3:6) and their catalog rows (each required type present with probability
0.93, periodic inspections, hazards with and without receipts, contracts of every age),
then times, ``--rounds`` times each, the median of:

- completeness of every customer (the whole company);
- each follow-up list for the whole company;
- the assessment of one 供电所 for a quarter with its 12-month trend (the dashboard's work).

    .venv/bin/python bench/bench_oversight.py [--customers 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, insert, select

from indexer.catalog.tables import customers, documents
from search_service.archive_room.rules import load_rules
from search_service.migrate import make_engine
from search_service.oversight import assessment, completeness, followup

UNITS = [f"第{n}供电所" for n in range(1, 26)]  # a county company of 25 stations
CLASSES = [("高压", "10kV")] + [("低压非居民", "380V")] * 3 + [("低压居民", "220V")] * 6
TODAY = date(2026, 12, 1)


def fill(engine, count: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    rules = load_rules(None)
    now = datetime.now(timezone.utc)
    people, docs = [], []
    for n in range(count):
        account = f"{3300000000 + n}"
        customer_class, volt = CLASSES[n % len(CLASSES)]
        org = UNITS[n % len(UNITS)]
        people.append({"account_no": account, "name": f"客户{n}", "customer_class": customer_class,
                       "volt_level": volt, "org": org, "updated_at": now})
        kinds = [(code, rng.randrange(30, 2000)) for code in rules.required_types(
            customer_class, set()) if rng.random() < 0.93]
        if customer_class != "低压居民":
            kinds.append(("JC01", rng.randrange(10, 900)))
        if rng.random() < 0.2:
            kinds.append(("JC03", rng.randrange(20, 400)))
            if rng.random() < 0.6:
                kinds.append(("JC05", rng.randrange(1, 19)))
        for k, (code, age) in enumerate(kinds):
            day = TODAY - timedelta(days=age)
            docs.append({
                "doc_id": f"{n:09d}{k:03d}", "path": f"{org}/{account}/{code}_{k}.txt",
                "status": "ok", "size": 1, "mtime": 0, "account_no": account, "org": org,
                "customer_class": customer_class, "volt_level": volt, "doc_type": code,
                "doc_date": day.isoformat(), "year": str(day.year),
                "rectify_deadline":
                    (day + timedelta(days=30)).isoformat() if code == "JC03" else "",
                "hazard_status": "未整改" if code == "JC03" else "",
                "cataloged_at": datetime.combine(day + timedelta(days=rng.choice((3, 10, 45))),
                                                 datetime.min.time(), tzinfo=timezone.utc),
                "updated_at": now, "batch": 1})
    with engine.begin() as conn:
        for start in range(0, len(people), 5000):
            conn.execute(insert(customers), people[start:start + 5000])
        for start in range(0, len(docs), 5000):
            conn.execute(insert(documents), docs[start:start + 5000])
    return len(docs)


def median_seconds(func, rounds: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (SQLite runs in this process: on a busy shared
    machine the CPU time is the better estimate of a quiet machine's wall time)."""
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", default="",
                        help="keep the filled catalog in this SQLite file (reused if it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "bench.db"
        existed = path.exists()
        engine = make_engine(f"sqlite:///{path}")
        if not existed:
            started = time.perf_counter()
            fill(engine, args.customers)
            print(f"filled in {time.perf_counter() - started:.1f} s")
        with engine.connect() as conn:
            counts = [conn.execute(select(func.count()).select_from(t)).scalar_one()
                      for t in (customers, documents)]
        print(f"catalog (SQLite): {counts[0]} customers, {counts[1]} documents, "
              f"{len(UNITS)} units")
        rules = load_rules(None)
        unit = [UNITS[0]]
        quarter = assessment.parse_period("2026Q4")
        with engine.connect() as conn:
            cases = [
                ("completeness, all customers",
                 lambda: completeness.statuses(conn, rules, None)),
                ("overdue hazards, all", lambda: followup.overdue_hazards(conn, None, TODAY)),
                ("contracts, all", lambda: followup.contracts(conn, rules, None, TODAY)),
                ("inspections, all",
                 lambda: followup.overdue_inspections(conn, rules, None, TODAY)),
                ("late filings, one quarter, all",
                 lambda: followup.late_filings(conn, rules, None, quarter.start, TODAY)),
                ("assessment, all units, one quarter",
                 lambda: assessment.assess(conn, rules, None, quarter, TODAY)),
                ("dashboard of one unit (assessment + 12-month trend)",
                 lambda: (assessment.assess(conn, rules, unit, quarter, TODAY),
                          assessment.trend(conn, rules, unit, TODAY, TODAY))),
            ]
            print(f"{'':55s} median wall   CPU (s)")
            for label, run in cases:
                wall, cpu = median_seconds(run, args.rounds)
                print(f"{label:55s} {wall:11.2f} {cpu:5.2f}")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on "
              f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
