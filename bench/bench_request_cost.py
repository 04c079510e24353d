"""Benchmark: what a search request costs beyond its search, before and after (issue 20).

For each code tree (``--tree LABEL=DIR``, e.g. ``before=/path/to/main after=.``) it copies the
index's database (each tree on its own copy, brought to that tree's schema), makes an
inspector's bearer token with that tree's code, starts ``archive-search serve`` from that
tree and sends each query of the mix ``--rounds`` times, one at a time, to every tree's
server in turn (so a change of the machine's load falls on all alike). For every request:
the HTTP time at the client, the search's own time as the answer reports it (``took_ms``:
query plan, engine, catalog rows and snippets), the engine's share of it (``Server-Timing``,
where a tree says it), and the differences: HTTP − engine is what issue 20 bounds, HTTP −
search the request's cost outside search (uvicorn, thread hops, authentication, scope, the
access-log record with its commit, masking, JSON). Then ``--users`` clients at once (where group commit of the log
records shows). Medians, trees side by side, one run; the machine may be shared.

    .venv/bin/python bench/bench_request_cost.py --index IDX --root ARCHIVE \\
        --tree before=/work/main --tree after=.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from trees import LAYOUT, cli_module  # bench/, beside this script

MIX = [
    ("户号", "/api/search?q={account}"),
    ("户名片段", "/api/search?q=明远"),
    ("空检索浏览", "/api/search"),
    ("稽查筛选", "/api/search?doc_type=JC03&volt_level=10kV&hazard_status=未整改"),
]

TOKEN = LAYOUT + """
import sys
from search_service.config import Settings
Access = module("search_service.access.control", "search_service.access").Access
User = module("search_service.access.users", "search_service.users").User
access = Access(Settings(index_dir=sys.argv[1], database_url=sys.argv[2], demo=True))
owner = User("bench", "inspector", "")
access.accounts.create_user(owner, "bench", "Speed-test-2026", "inspector", "")
print(access.accounts.create_token(owner, "bench", "bench")[1])
"""

DOWNGRADE = """
import sys
from alembic import command
from search_service.db import serialized
from search_service.migrate import alembic_config
from sqlalchemy import create_engine
with serialized(create_engine(sys.argv[1])) as conn:
    config = alembic_config()
    config.attributes["connection"] = conn
    command.downgrade(config, sys.argv[2])
"""


KEEP_ALIVE = True  # as browsers and API clients do; ``--new-connections`` opens one per request
_connections = threading.local()


def get(url: str, token: str) -> tuple[float, dict, float | None]:
    """(HTTP ms at the client, answer, the engine's ms as Server-Timing says or None) of one
    GET with the bearer token."""
    quoted = urllib.parse.quote(url, safe=":/?=&")
    headers = {"Authorization": f"Bearer {token}"}
    if not KEEP_ALIVE:
        began = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(quoted, headers=headers)) as response:
            body = response.read()
        return ((time.perf_counter() - began) * 1000, json.loads(body),
                engine_ms(response.headers.get("Server-Timing")))
    parts = urllib.parse.urlsplit(quoted)
    target = f"{parts.path}?{parts.query}" if parts.query else parts.path
    pool = _connections.__dict__.setdefault("pool", {})
    for attempt in (1, 2):  # the server closes a connection idle for 5 s: open a new one
        connection = pool.get(parts.netloc) or pool.setdefault(
            parts.netloc, http.client.HTTPConnection(parts.hostname, parts.port))
        began = time.perf_counter()
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (http.client.RemoteDisconnected, ConnectionError):
            connection.close()
            del pool[parts.netloc]
            if attempt == 2:
                raise
            continue
        return ((time.perf_counter() - began) * 1000, json.loads(body),
                engine_ms(response.getheader("Server-Timing")))
    raise AssertionError("unreachable")


def engine_ms(timing: str | None) -> float | None:
    """The engine's share of a search from its Server-Timing header (None: a tree that
    does not say it)."""
    parts = dict(p.strip().split(";dur=") for p in (timing or "").split(",") if ";dur=" in p)
    return float(parts["engine"]) if "engine" in parts else None


def tree_head(tree: Path) -> str:
    """The newest migration a tree knows (file names start with their revision)."""
    names = sorted(p.name for p in (tree / "search_service/migrations/versions").glob("0*.py"))
    return names[-1].split("_")[0]


def prepare_db(tree: Path, source: Path, workdir: Path, index: Path) -> tuple[str, str]:
    """A copy of the index's database at ``tree``'s schema, and a token made by its code."""
    copy = workdir / f"{tree.resolve().name}-{os.getpid()}.db"
    shutil.copy(source, copy)
    url = f"sqlite:///{copy}"
    env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
    here = Path(__file__).resolve().parents[1]
    revision = sqlite3.connect(copy).execute("SELECT version_num FROM alembic_version").fetchone()
    known = [p.name for p in (tree / "search_service/migrations/versions").glob("0*.py")]
    if not any(name.startswith(revision[0]) for name in known):  # newer than the tree knows
        subprocess.run([sys.executable, "-c", DOWNGRADE, url, tree_head(tree)], check=True,
                       env={**os.environ, "PYTHONPATH": str(here)})
    token = subprocess.run([sys.executable, "-c", TOKEN, str(index.resolve()), url], check=True,
                           env=env, capture_output=True, text=True, cwd=tree.resolve()
                           ).stdout.strip()
    return url, token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(tree: Path, args: argparse.Namespace, url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(tree.resolve()), "ARCHIVE_SEARCH_DEMO": "1",
           "ARCHIVE_SEARCH_DB": url}
    # cwd: ``-m`` and ``-c`` put the working directory first on sys.path, before PYTHONPATH
    return subprocess.Popen([sys.executable, "-m", cli_module(tree), "serve", "--index",
                             str(args.index.resolve()), "--root", str(args.root.resolve()),
                             "--port", str(port)], env=env, cwd=tree.resolve(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sequential(servers: dict[str, tuple[str, str, list[tuple[str, str]]]],
               rounds: int) -> dict[str, dict[str, tuple[float, ...]]]:
    """Per tree and query: medians of the HTTP ms, took_ms, the engine's ms, and per request
    of HTTP - took and HTTP - engine (NaN where a tree does not say the engine's time); the
    trees' servers asked in turn, request by request, so a change of the machine's load falls
    on every tree alike."""
    samples: dict[str, dict[str, list]] = {label: {} for label in servers}
    for n in range(len(MIX)):
        for _ in range(rounds):
            for label, (base, token, paths) in servers.items():
                name, path = paths[n]
                samples[label].setdefault(name, []).append(get(base + path, token))
    found: dict[str, dict[str, tuple[float, ...]]] = {}
    for label, queries in samples.items():
        for name, taken in queries.items():
            http = [ms for ms, _, _ in taken]
            took = [body["took_ms"] for _, body, _ in taken]
            engine = [e if e is not None else math.nan for _, _, e in taken]
            found.setdefault(label, {})[name] = (
                statistics.median(http), statistics.median(took), statistics.median(engine),
                statistics.median(h - t for h, t in zip(http, took)),
                statistics.median(h - e for h, e in zip(http, engine)))
    return found


def concurrent(base: str, token: str, paths: list[tuple[str, str]], users: int,
               each: int) -> tuple[float, float]:
    """(requests per second, median HTTP - took) with ``users`` clients at once."""
    overheads: list[float] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        for i in range(each):
            ms, body, _ = get(base + paths[(n + i) % len(paths)][1], token)
            with lock:
                overheads.append(ms - body["took_ms"])

    began = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(users)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return users * each / (time.perf_counter() - began), statistics.median(overheads)


def start(tree: Path, args: argparse.Namespace, workdir: Path
          ) -> tuple[subprocess.Popen, tuple[str, str, list[tuple[str, str]]]]:
    """``tree``'s server on its own database copy, warmed up: (process, (base, token, mix))."""
    url, token = prepare_db(tree, args.db, workdir, args.index)
    port = free_port()
    server = serve(tree, args, url, port)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/api/health").read()
            break
        except OSError:
            time.sleep(0.1)
    _, first, _ = get(f"{base}/api/search?page_size=20", token)
    account = next(h["account_no"] for h in first["hits"] if h["account_no"])
    paths = [(name, path.format(account=account)) for name, path in MIX]
    settle = time.perf_counter() + 5  # the server loads its OCR models in the background
    while time.perf_counter() < settle:
        for _, path in paths:
            get(base + path, token)
    return server, (base, token, paths)


def run_trees(trees: list[list[str]], args: argparse.Namespace, workdir: Path) -> dict:
    started = {label: start(Path(tree), args, workdir) for label, tree in trees}
    try:
        servers = {label: how for label, (_, how) in started.items()}
        results = {label: {"sequential": found}
                   for label, found in sequential(servers, args.rounds).items()}
        for label, (base, token, paths) in servers.items():
            results[label]["concurrent"] = concurrent(base, token, paths, args.users,
                                                      args.rounds)
    finally:
        for server, _ in started.values():
            server.terminate()
            server.wait(timeout=10)
    return results


BREAKDOWN = LAYOUT + """
import asyncio, json, os, statistics, sys, time
import anyio.to_thread
from dataclasses import replace
from pathlib import Path
from pydantic import TypeAdapter
from search_service.api.models import SearchResponse
from search_service.config import Settings
from search_service.query.understand import QueryContext
create_app = module("search_service.api.app", "search_service.app").create_app
Event = module("search_service.access.audit", "search_service.audit").Event
mask_record = module("search_service.access.masking", "search_service.masking").mask_record
# Older trees (with reader.SNIPPET_KEYS) masked the hits' fields after the search and their
# snippets a second time; newer ones mask the fields as hits are made (snippets once).
SNIPPET_KEYS = getattr(module("search_service.reading.reader", "search_service.reads"),
                       "SNIPPET_KEYS", None)
search = module("search_service.reading.search", "search_service.search")
SearchParams, run_search = search.SearchParams, search.run_search
User = module("search_service.access.users", "search_service.users").User
app = create_app(Settings(index_dir=Path(sys.argv[1]), archive_root=Path(sys.argv[2]),
                          database_url=sys.argv[3], demo=True))
access, reader = app.state.access, app.state.reader
secret = access.accounts.create_token(User("bench", "inspector", ""), "bench", "parts")[1]
user = access.accounts.token_user(secret)
params = SearchParams(q="明远")
lexicon, _ = reader._vocabulary(access.units())
planned = replace(params, scope=reader.scope(user),
                  context=replace(QueryContext(), lexicon=lexicon))
result = reader.search(user, params)
response = TypeAdapter(SearchResponse)
def median(work, n=40):  # (wall, CPU of this thread): the CPU figure holds under load
    work(); times, cpu = [], []
    for _ in range(n):
        began, used = time.perf_counter(), time.thread_time(); work()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - used) * 1000)
    return statistics.median(times), statistics.median(cpu)
probe = os.open(os.path.join(os.path.dirname(sys.argv[3].split("///", 1)[1]), "fsync-probe"),
                os.O_WRONLY | os.O_CREAT)
def flush():  # what one commit of a record must wait for: 36 KB (9 pages) written and synced
    os.pwrite(probe, b"x" * 36864, 0); os.fdatasync(probe)
loop = asyncio.new_event_loop()
async def hops(n=50):  # in one running loop, as the server's: a loop's start is no hop
    for _ in range(n):
        await anyio.to_thread.run_sync(int)
per_hop = tuple(ms / 50 for ms in median(lambda: loop.run_until_complete(hops())))
parts = {
    "token lookup (one SELECT)": lambda: access.accounts.token_user(secret),
    "unit tree (cached)": access.units,
    "grants": lambda: reader._grants(user),
    "access-log record (one fsync'd commit)": lambda: access.audit.append(Event.by(user, "search")),
    "the disk alone: 36 KB written + fdatasync": flush,
    "one thread-pool hop (in a running loop)": None,  # per_hop, measured above
    "masking 20 hits after the search (fields; before: snippets again)": lambda: [
        mask_record(h, SNIPPET_KEYS) if SNIPPET_KEYS else
        mask_record({k: v for k, v in h.items() if k != "snippet"}) for h in result.hits],
    "response model + JSON (as FastAPI: validated, then pydantic's JSON)": lambda:
        response.dump_json(response.validate_python(result.to_dict())),
    "run_search (plan, engine, catalog rows, snippets)": lambda: run_search(
        reader.engine, reader.catalog, planned),
    "ArchiveReader.search (all of the above but auth and JSON)": lambda: reader.search(user, params),
}
print(json.dumps({name: per_hop if work is None else median(work)
                  for name, work in parts.items()}))
"""


def breakdown(tree: Path, args: argparse.Namespace, workdir: Path) -> dict[str, float]:
    """Medians of each part of a search request (q=明远), in process, with ``tree``'s code."""
    url, _ = prepare_db(tree, args.db, workdir, args.index)
    env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
    out = subprocess.run([sys.executable, "-c", BREAKDOWN, str(args.index.resolve()),
                          str(args.root.resolve()), url], check=True, env=env,
                         capture_output=True, text=True, cwd=tree.resolve()).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(results: dict[str, dict], args: argparse.Namespace) -> None:
    labels = list(results)
    print(f"\n{args.rounds} rounds per query, the trees' servers in turn; then {args.users} clients x "
          f"{args.rounds} requests. ms, medians, "
          f"{'a new connection per request' if not KEEP_ALIVE else 'one kept-alive connection per client'}. Trees: {', '.join(labels)}. Load average "
          f"at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| query | " + " | ".join(f"{t}: HTTP / search / engine / HTTP−search / **HTTP−engine**"
                                     for t in labels) + " |")
    print("|---|" + "---|" * len(labels))
    for query, _ in MIX:
        cells = ["{:.1f} / {:.1f} / {:.2f} / {:.1f} / **{:.1f}**".format(
                     *results[t]["sequential"][query]).replace("nan", "—") for t in labels]
        print(f"| {query} | " + " | ".join(cells) + " |")
    cells = ["{:.1f} req/s, HTTP−search {:.1f}".format(*results[t]["concurrent"]) for t in labels]
    print(f"| {args.users} clients | " + " | ".join(cells) + " |")
    print(f"\nIn process, q=明远 as an inspector (ms, medians of 40; wall / CPU of the thread):")
    print("| part | " + " | ".join(labels) + " |\n|---|" + "---|" * len(labels))
    for name in results[labels[-1]]["parts"]:
        cells = [results[t]["parts"].get(name) for t in labels]
        print(f"| {name} | " + " | ".join("—" if c is None else "{:.2f} / {:.2f}".format(*c)
                                         for c in cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("data/index"))
    parser.add_argument("--root", type=Path, default=Path("data/sample-archive"))
    parser.add_argument("--db", type=Path, default=None,
                        help="the index's database (default: archive-search.db beside --index)")
    parser.add_argument("--tree", action="append", default=[],
                        help="LABEL=DIR of a code tree to serve (repeatable; default after=.)")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--new-connections", action="store_true",
                        help="a new connection per request (default: one kept-alive per client)")
    args = parser.parse_args()
    global KEEP_ALIVE
    KEEP_ALIVE = not args.new_connections
    args.db = args.db or args.index.parent / "archive-search.db"
    trees = [t.split("=", 1) for t in args.tree] or [["after", "."]]
    workdir = Path(tempfile.mkdtemp(prefix="bench-cost-"))
    try:
        results = run_trees(trees, args, workdir)
        for label, tree in trees:
            results[label]["parts"] = breakdown(Path(tree), args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
