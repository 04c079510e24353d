"""Benchmark: does a loan request take measurably longer or shorter when what it names does not
exist? (issue 18 item 9: the answer must not tell, the time should not either.)

Fills a fresh SQLite catalog with ``--customers`` customers of 25 units (``bench_oversight``'s
catalog), then has a clerk of the first unit request, interleaved round by round in a shuffled order, loans of one
customer of the own unit, one of another unit, one 户号 that does not exist, and the same for
two customers of two units (own + other, other + missing); prints the median wall and CPU
time per kind and its ratio to the own-unit request. ``Lending.request`` is called directly
(the HTTP layer is the same for every kind).

    .venv/bin/python bench/bench_loan_oracle.py [--customers 20000] [--rounds 301]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]  # this checkout, and bench_oversight

from bench_oversight import UNITS, fill  # noqa: E402

from search_service.access.audit import AuditLog  # noqa: E402
from search_service.access.policy import Units  # noqa: E402
from search_service.access.users import User  # noqa: E402
from search_service.archive_room.lending import Lending, LoanRequest  # noqa: E402
from search_service.migrate import make_engine  # noqa: E402

FIRST = 3300000000  # bench_oversight's first 户号; customer n belongs to UNITS[n % 25]


def account(n: int) -> str:
    return str(FIRST + n)


def kinds(rounds: int) -> dict[str, list[tuple[str, ...]]]:
    """Per kind, a fresh set of 户号 for each round (so no round repeats a request)."""
    step = len(UNITS)
    own = [account(k * step) for k in range(rounds)]
    other = [account(k * step + 1) for k in range(rounds)]
    missing = [str(9900000000 + k) for k in range(rounds)]
    return {"own unit": [(a,) for a in own], "other unit": [(a,) for a in other],
            "not found": [(a,) for a in missing],
            "own + other unit": list(zip(own, other)),
            "own + not found": list(zip(own, missing)),
            "other + not found": list(zip(other, missing))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=301)
    args = parser.parse_args()
    assert args.customers >= args.rounds * len(UNITS), "--customers too small for --rounds"
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        fill(engine, args.customers)
        lending = Lending(engine, AuditLog(engine, b"bench-key"))
        clerk = User("bench_clerk", "clerk", UNITS[0])
        units = Units.default(UNITS)
        cases = kinds(args.rounds)
        walls: dict[str, list[float]] = {kind: [] for kind in cases}
        cpus: dict[str, list[float]] = {kind: [] for kind in cases}
        order, rng = list(cases), random.Random(0)
        for n in range(args.rounds):
            rng.shuffle(order)
            for kind in order:
                wanted = LoanRequest(accounts=cases[kind][n], purpose="业务办理", days=7)
                wall, cpu = time.perf_counter(), time.process_time()
                lending.request(clerk, units, wanted)
                walls[kind].append(time.perf_counter() - wall)
                cpus[kind].append(time.process_time() - cpu)
        base = statistics.median(walls["own unit"])
        print(f"{args.customers} customers, {args.rounds} rounds (SQLite)")
        print(f"{'':20s} median wall   CPU (ms)   ratio to own unit")
        for kind in cases:
            wall, cpu = statistics.median(walls[kind]), statistics.median(cpus[kind])
            print(f"{kind:20s} {wall * 1000:11.2f} {cpu * 1000:7.2f} {wall / base:11.2f}")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on "
              f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
