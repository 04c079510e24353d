"""``search`` from the command line, as a clerk sees it (personal numbers masked)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.errors import InputError
from search_service.cli.common import (DEFAULT_INDEX, add_db_option, catalog_of, command,
                                       ensure_paired)

if TYPE_CHECKING:
    from search_service.config import Settings
    from search_service.reading.search import SearchResult

FILTER_OPTIONS = (  # (option, facet field, help)
    ("--type", "doc_type", "档案类别代码，如 YK11（可重复）"),
    ("--org", "org", "供电单位，如 城东供电所（可重复）"),
    ("--year", "year", "形成年份，如 2023（可重复）"),
    ("--customer-class", "customer_class", "用户分类：高压 / 低压非居民 / 低压居民（可重复）"),
)


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = command(commands, "search", "检索档案：户名、户号或正文中的任意词语"
                  "（证件号码、手机号码、银行账号遮蔽显示）", cmd_search)
    sub.add_argument("query", nargs="?", default="", help="检索词；加英文引号为短语；留空则按筛选条件列出")
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    for option, dest, help_text in FILTER_OPTIONS:
        sub.add_argument(option, dest=dest, action="append", default=[], help=help_text)
    sub.add_argument("--limit", type=int, default=10, help="最多显示条数（默认 10）")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")
    add_db_option(sub)


def cmd_search(args: argparse.Namespace) -> int:
    from search_service.access.masking import mask_record
    from search_service.config import Settings
    from search_service.query.timewords import today_in
    from search_service.query.vocabulary import archive_context
    from search_service.reading.search import SearchParams, run_search

    if args.limit < 1:
        raise InputError("--limit 必须为正整数")
    filters = {dest: tuple(getattr(args, dest)) for _, dest, _ in FILTER_OPTIONS}
    from search_service.engines import open_engine

    settings = Settings.from_env(index_dir=args.index, database_url=args.db)
    catalog = catalog_of(args)
    context = archive_context(settings.resolved_root(), catalog.units(),
                              _unit_aliases(settings), today_in(settings.time_zone))
    params = SearchParams(q=args.query, filters=filters, page_size=min(args.limit, 100),
                          facets=False, context=context, masked=True)
    ensure_paired(settings, catalog)
    result = run_search(open_engine(settings), catalog, params)
    result.hits = [mask_record(h, frozenset({"snippet"})) for h in result.hits]  # as a clerk
    if args.json:
        print(json.dumps({"total": result.total, "hits": result.hits,
                          "understood": result.understood, "reading": result.reading,
                          "match": result.match, "read_as": result.read_as,
                          "did_you_mean": result.did_you_mean},
                         ensure_ascii=False, indent=1))
    else:
        print("\n".join(reading_lines(result)))
        print(format_hits(result.total, result.hits))
    return 0


def _unit_aliases(settings: "Settings") -> dict[str, tuple[str, ...]]:
    """The units' short names configured in units.csv (none without the file)."""
    from search_service.access.policy import Units

    path = settings.resolved_units()
    if path is None or not path.is_file():
        return {}
    return Units.from_file(path).aliases


def reading_lines(result: "SearchResult") -> list[str]:
    """How the query was read, as the page shows it: chips, corrections, a loose answer."""
    from search_service.api.page_model import chip_label, chip_title, reading_parts

    lines = []
    parts = reading_parts(result)
    if parts:
        lines.append("按 " + " · ".join(f"{chip_title(u['field'])}={chip_label(u)}"
                                       for u in parts) + " 检索")
    for c in result.read_as.get("corrections", []):
        lines.append(f"已按“{'、'.join(c['meant'])}”检索（输入的是“{c['typed']}”）")
    if result.match == "loose":
        lines.append(f"未找到“{'、'.join(result.read_as.get('unknown', []))}”，以下为相近结果")
    if result.did_you_mean:
        lines.append("您是不是要找：" + "、".join(f"{c['name']}（户号 {c['account_no']}）"
                                            for c in result.did_you_mean))
    return lines


def format_hits(total: int, hits: list[dict]) -> str:
    from search_service.viewer.highlight import terminal_marks

    if not total:
        return "没有找到匹配的档案。可以减少检索词或放宽筛选条件。"
    lines = [f"共 {total} 条结果，显示前 {len(hits)} 条：", ""]
    for n, hit in enumerate(hits, 1):
        lines.append(f"{n}. {hit['title']}  [{hit['doc_type_name'] or '未分类'}] "
                     f"{hit['doc_date'] or '日期不详'}")
        lines.append(f"   户号 {hit['account_no'] or '（未归户）'}  户名 {hit['customer_name']}"
                     f"  {hit['org']}")
        lines.append(f"   {hit['path']}")
        if hit["snippet"]:
            lines.append(f"   {terminal_marks(hit['snippet'])}")
        lines.append("")
    return "\n".join(lines)
