"""Search quality on judged queries: success@1, success@3 and MRR per kind of query.

The judged queries come from the sample archive's ground truth
(``sample_archive.generator.plan_archive`` with a fixed seed: what each generated file is, whose
it is, what it says), never from the search engine's answers. Each query has a kind (name, brand, name+type …) and the paths of
its relevant documents.

    # write the judged set (tests/search_service/query/judged_queries.json)
    .venv/bin/python bench/search_quality.py judge
    # build the sample archive + index, run every query, print the figures per kind
    .venv/bin/python bench/search_quality.py run [--work DIR] [--json] [--engine tantivy]

Figures before and after are in docs/search-quality.md; the test
tests/search_service/query/test_quality.py fails when a kind drops below its recorded floor.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # judged_typed beside this script
JUDGED = ROOT / "tests" / "search_service" / "query" / "judged_queries.json"
CUSTOMERS, SEED = 80, 0
DEPTH = 20  # ranks looked at for MRR
TODAY = date(2025, 6, 30)  # the sample's reference day: time words are read against it
NO_CUSTOMER = "no_customer"  # judged by honesty: no hits, or hits marked loose

# Words staff use for a type, as a user would type them after a name (query side only).
TYPE_WORDS = {"YK11": "合同", "JC03": "隐患整改通知书", "JC01": "检查工作单", "YK01": "用电申请书",
              "DF01": "电费通知单", "YK13": "装表接电工作单", "JC04": "窃电"}
TYPE_MATCHES = {"合同": {"YK11", "YK12"}}  # a word that names several types


@dataclass(frozen=True)
class Truth:
    """What the generator knows of one searchable file."""

    path: str
    account: str
    name: str
    unit: str
    code: str
    year: str
    text: str
    day: date | None = None
    status: str = ""  # 整改状态 as the generator wrote it


def ground_truth() -> tuple[list[Any], list[Truth]]:
    """The sample's roster and its searchable files."""
    from sample_archive.generator import plan_archive

    _, roster, files = plan_archive(CUSTOMERS, SEED)
    names = {c.number: c.name for c in roster}
    truths = [Truth(f.path, f.number, names.get(f.number, ""), f.path.split("/")[0],
                    f.doc.code, str(f.doc.day.year), "\n".join(f.doc.lines()), f.doc.day,
                    dict(f.doc.fields).get("整改状态", ""))
              for f in files if f.doc is not None and not f.damage]
    return roster, truths


def archive_numbers(root: Path) -> dict[str, str]:
    with (root / "catalog.csv").open(encoding="utf-8-sig") as handle:
        return {row["文件路径"]: row["档号"] for row in csv.DictReader(handle)}


def judge(archive_root: Path) -> list[dict[str, Any]]:
    """The judged queries (deterministic: seeded choices over the ground truth)."""
    from pypinyin import lazy_pinyin

    from indexer.doctypes import name_of
    from sample_archive.domain import BRANDS, HAZARDS, INDUSTRIES, PINNED_NUMBER

    roster, truths = ground_truth()
    rng = random.Random(8)
    by_account: dict[str, list[str]] = defaultdict(list)
    for t in truths:
        by_account[t.account].append(t.path)
    customers = [c for c in roster if by_account.get(c.number)]
    companies = [c for c in customers if not c.is_person]
    persons = [c for c in customers if c.is_person]
    queries: list[dict[str, Any]] = []

    def add(kind: str, q: str, relevant: list[str] | set[str]) -> None:
        if (relevant or kind == NO_CUSTOMER) and all(x["q"] != q for x in queries):
            queries.append({"kind": kind, "q": q, "relevant": sorted(relevant)})

    def brand(name: str) -> str:
        return next((b for b in (*BRANDS, "明远") if b in name), "")

    def docs_of(test: Any) -> list[str]:
        return [t.path for t in truths if test(t)]

    for c in rng.sample(customers, 16):
        add("name", c.name, by_account[c.number])
        add("account_full", c.number, by_account[c.number])
        add("account_prefix", c.number[:rng.choice((6, 7, 8))],
            docs_of(lambda t, c=c: t.account == c.number))
    for c in rng.sample(companies, min(16, len(companies))):
        b = brand(c.name)
        add("brand", b, docs_of(lambda t, b=b: b in t.name))
        word = rng.choice(("合同", "隐患整改通知书", "用电申请书", "装表接电工作单"))
        codes = TYPE_MATCHES.get(word) or {next(k for k, v in TYPE_WORDS.items() if v == word)}
        add("name_type", f"{b}{word}", docs_of(lambda t, b=b, codes=codes: b in t.name and t.code in codes))
        sound = "".join(lazy_pinyin(b))  # homophone brands (佳和, 嘉禾) answer it equally
        same = [x for x in (*BRANDS, "明远") if "".join(lazy_pinyin(x)) == sound]
        add("pinyin", sound, docs_of(lambda t, same=same: any(x in t.name for x in same)))
        add("name_variant", c.name.replace("有限公司", "公司"),
            docs_of(lambda t, c=c: t.account == c.number))
    for c in rng.sample(persons, min(16, len(persons))):
        word = rng.choice(("合同", "电费通知单", "用电申请书"))
        codes = TYPE_MATCHES.get(word) or {next(k for k, v in TYPE_WORDS.items() if v == word)}
        add("person_type", f"{c.name}{word}",
            docs_of(lambda t, c=c, codes=codes: t.account == c.number and t.code in codes))
    for t in [t for t in truths if t.code == "JC04"]:
        add("person_offence", f"{t.name}{rng.choice(('窃电', '违约用电'))}",
            docs_of(lambda u, t=t: u.account == t.account and u.code == "JC04"))
    units = sorted({t.unit for t in truths})
    for unit in units:
        for code in ("JC03", "YK11", "JC01"):
            add("unit_type", f"{unit}{name_of(code)}",
                docs_of(lambda t, unit=unit, code=code: t.unit == unit and t.code == code))
    for year in ("2019", "2020", "2021", "2022", "2023", "2024"):
        for code, word in (("JC03", "隐患整改通知书"), ("YK11", "供用电合同"), ("JC01", "用电检查工作单")):
            add("year_type", f"{year}年{word}",
                docs_of(lambda t, year=year, code=code: t.year == year and t.code == code))
    numbers = archive_numbers(archive_root)
    for path, number in sorted(numbers.items())[::max(1, len(numbers) // 12)][:12]:
        prefix = number.rsplit("-", 1)[0] if rng.random() < 0.5 else number
        add("archive_prefix", prefix, [p for p, n in numbers.items() if n.startswith(prefix)])
    phrases = sorted({h.finding.split("，")[0] for h in HAZARDS})
    for phrase in phrases:
        add("body_phrase", phrase, docs_of(lambda t, phrase=phrase: phrase in t.text.replace("\n", "")))
    for c in rng.sample(companies, min(16, len(companies))):
        b = brand(c.name)
        typo = b[0] + rng.choice([ch for ch in "园元圆源原缘" if ch != b[1]])
        industry = next(i for group in INDUSTRIES.values() for i in group if i in c.name)
        add("typo", f"{typo}{industry}",
            docs_of(lambda t, b=b, industry=industry: b in t.name and industry in t.name))
    pinned = by_account[PINNED_NUMBER]
    add("name", "明远纺织", pinned)
    add("name_type", "明远合同", docs_of(lambda t: "明远" in t.name and t.code in {"YK11", "YK12"}))
    add("name_type", "明远的合同", docs_of(lambda t: "明远" in t.name and t.code in {"YK11", "YK12"}))
    add("name_type", "明远纺织公司", pinned)
    from judged_typed import judge_typed  # kinds of issue 19, from their own seed

    judge_typed(roster, truths, add)
    return queries


# --------------------------------------------------------------------------- running


def build(work: Path) -> tuple[Path, Path]:
    from indexer.pipeline import run_index
    from sample_archive.generator import generate

    root, index = work / "archive", work / "index"
    if not (root / "customers.csv").exists():
        generate(root, customers=CUSTOMERS, seed=SEED, scans=0, ofd=0,
                 expired=False)  # judged: the plan only
    if not index.exists():
        run_index(root, index, workers=1, progress=False)
    return root, index


def service_parts(root: Path, index: Path, engine: str = "whoosh") -> tuple[Any, Any, Any]:
    """The engine, catalog and query context the service searches ``index`` with (an engine
    other than Whoosh is rebuilt from the catalog first)."""
    from indexer.catalog.store import Catalog
    from indexer.customers import load_customers
    from search_service.access.policy import Units
    from search_service.config import Settings
    from search_service.db import default_url
    from search_service.engines import open_engine
    from search_service.query.understand import QueryContext
    from search_service.query.vocabulary import Vocabulary

    units = Units.from_file(root / "units.csv")
    aliases = getattr(units, "aliases", None)  # None: code from before issue 19 (BEFORE runs)
    lexicon, _ = Vocabulary().get(load_customers(root), units.parents,
                                  *([aliases] if aliases is not None else []))
    context = QueryContext(lexicon, **({"today": TODAY} if aliases is not None else {}))
    catalog = Catalog.open(default_url(index))
    searching = open_engine(Settings(index_dir=index), engine)
    if engine != "whoosh":
        from indexer.sync import rebuild
        from search_service.oversight.derived import Derivation

        rebuild(searching, catalog, derive=Derivation(catalog.engine, root))
    return searching, catalog, context


def evaluate(root: Path, index: Path, queries: list[dict[str, Any]],
             engine: str = "whoosh") -> dict[str, dict[str, float]]:
    """success@1, success@3 and MRR per kind (and over all queries) on ``engine``."""
    from search_service.errors import QueryError
    from search_service.reading.search import SearchParams, run_search

    engine, catalog, context = service_parts(root, index, engine)
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for item in queries:
        loose = False
        try:
            result = run_search(engine, catalog, SearchParams(
                q=item["q"], page_size=DEPTH, facets=False, context=context))
            paths = [h["path"] for h in result.hits]
            loose = getattr(result, "match", "exact") == "loose"
        except QueryError:
            paths = []
        relevant = set(item["relevant"])
        rank = next((n for n, p in enumerate(paths, 1) if p in relevant), None)
        if item["kind"] == NO_CUSTOMER:  # honest: nothing, or marked as look-alikes
            rank = 1 if not paths or loose else None
        ranks[item["kind"]].append(rank)
        ranks["all"].append(rank)
    engine.close()
    return {kind: metrics(found) for kind, found in sorted(ranks.items())}


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {"queries": n,
            "success@1": round(sum(r == 1 for r in ranks) / n, 3),
            "success@3": round(sum(r is not None and r <= 3 for r in ranks) / n, 3),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 3)}


def table(figures: dict[str, dict[str, float]]) -> str:
    lines = ["| kind | queries | success@1 | success@3 | MRR |", "|---|---|---|---|---|"]
    lines += [f"| {k} | {v['queries']} | {v['success@1']:.3f} | {v['success@3']:.3f} | {v['mrr']:.3f} |"
              for k, v in figures.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("judge", "run"))
    parser.add_argument("--work", type=Path, help="keeps the archive and index between runs")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--engine", default="whoosh", help="whoosh (default) or tantivy")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="search-quality-"))
    root, index = build(work)
    if args.action == "judge":
        queries = judge(root)
        JUDGED.write_text(json.dumps(queries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{len(queries)} judged queries written to {JUDGED}", file=sys.stderr)
        return
    figures = evaluate(root, index, json.loads(JUDGED.read_text(encoding="utf-8")), args.engine)
    print(json.dumps(figures, ensure_ascii=False, indent=1) if args.json else table(figures))


if __name__ == "__main__":
    main()
