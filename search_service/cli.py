"""The ``archive-search`` command: one entry point, a subcommand per task."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from indexer.errors import ArchiveSearchError, InputError
from indexer.pipeline import RunSummary, run_index
from indexer.store import open_index

DEFAULT_INDEX = Path(os.environ.get("ARCHIVE_SEARCH_INDEX", "data/index"))
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

FILTER_OPTIONS = (  # (option, facet field, help)
    ("--type", "doc_type", "档案类别代码，如 YK11（可重复）"),
    ("--org", "org", "供电单位，如 城东供电所（可重复）"),
    ("--year", "year", "形成年份，如 2023（可重复）"),
    ("--customer-class", "customer_class", "用户分类：高压 / 低压非居民 / 低压居民（可重复）"),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ArchiveSearchError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n已中断：之前已提交的索引保持完整可检索，再次运行将继续未完成的部分。",
              file=sys.stderr)
        return EXIT_INTERRUPTED


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive-search", description="供电企业客户档案全文检索")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")
    _add_index(commands)
    _add_search(commands)
    _add_sample(commands)
    _add_serve(commands)
    return parser


def _command(commands: argparse._SubParsersAction, name: str, help_text: str,
             func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(func=func)
    return sub


def _add_index(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "index", "为档案目录建立或更新索引（只处理新增、修改和删除的文件）",
                   cmd_index)
    sub.add_argument("root", type=Path, help="档案根目录（含 customers.csv）")
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--workers", type=int, default=None, help="抽取文本的进程数（默认为 CPU 核数）")
    sub.add_argument("--batch-size", type=int, default=1000,
                     help="每处理多少个文件提交一次（中断后已提交的部分保留）")
    sub.add_argument("--quiet", action="store_true", help="不显示进度条")


def _add_search(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "search", "检索档案：户名、户号或正文中的任意词语", cmd_search)
    sub.add_argument("query", nargs="?", default="", help="检索词；加英文引号为短语；留空则按筛选条件列出")
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    for option, dest, help_text in FILTER_OPTIONS:
        sub.add_argument(option, dest=dest, action="append", default=[], help=help_text)
    sub.add_argument("--limit", type=int, default=10, help="最多显示条数（默认 10）")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")


def _add_sample(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "sample", "生成示例档案（客户清单、档案目录和 PDF/DOCX 文件）",
                   cmd_sample)
    sub.add_argument("root", type=Path, help="输出目录")
    sub.add_argument("--customers", type=int, default=300, help="客户数（默认 300）")
    sub.add_argument("--seed", type=int, default=0, help="随机种子（相同种子生成相同档案）")


def _add_serve(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "serve", "启动检索服务（网页与 API）；参数也可由 ARCHIVE_SEARCH_* 环境变量设置",
                   cmd_serve)
    sub.add_argument("--index", type=Path, default=None, help="索引目录（ARCHIVE_SEARCH_INDEX，默认 data/index）")
    sub.add_argument("--root", type=Path, default=None,
                     help="档案根目录，用于提供原文件（ARCHIVE_SEARCH_ROOT，默认取上次建索引时的目录）")
    sub.add_argument("--host", default=None, help="监听地址（ARCHIVE_SEARCH_HOST，默认 127.0.0.1）")
    sub.add_argument("--port", type=int, default=None, help="端口（ARCHIVE_SEARCH_PORT，默认 8000）")
    sub.add_argument("--workers", type=int, default=None, help="工作进程数（ARCHIVE_SEARCH_WORKERS，默认 1）")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from search_service.config import Settings

    settings = Settings.from_env(index_dir=args.index, archive_root=args.root, host=args.host,
                                 port=args.port, workers=args.workers)
    os.environ.update(settings.to_env())  # worker processes rebuild the same settings
    print(f"检索服务：http://{settings.host}:{settings.port}/ （索引 {settings.index_dir}，"
          f"按 Ctrl+C 停止）", flush=True)
    uvicorn.run("search_service.app:app_from_env", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, log_level="warning")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    if args.batch_size < 1 or (args.workers is not None and args.workers < 1):
        raise InputError("--batch-size 和 --workers 必须为正整数")
    summary = run_index(args.root, args.index, workers=args.workers, progress=not args.quiet,
                        batch_size=args.batch_size)
    print(format_summary(summary))
    return 0


def format_summary(summary: RunSummary) -> str:
    lines = [
        f"索引完成，用时 {summary.seconds:.1f} 秒：新增 {summary.added}，更新 {summary.updated}，"
        f"删除 {summary.removed}，未变 {summary.unchanged}，失败 {len(summary.failed)}，"
        f"未归户 {len(summary.unassigned)}",
    ]
    if summary.refreshed:
        lines.append(f"客户资料或档案目录有变化，已刷新 {summary.refreshed} 份文档的著录信息")
    if summary.failed:
        lines.append("以下文件未能提取文字（文件修改后下次运行会重试）：")
        lines += [f"  {path}：{reason}" for path, reason in summary.failed]
    if summary.still_failing:
        lines.append(f"另有 {summary.still_failing} 个此前失败的文件未修改，未重试")
    if summary.unassigned:
        lines.append("以下文档无法确定所属客户（户号），已索引但未归户：")
        lines += [f"  {path}" for path in summary.unassigned]
    return "\n".join(lines)


def cmd_search(args: argparse.Namespace) -> int:
    from search_service.search import SearchParams, run_search

    if args.limit < 1:
        raise InputError("--limit 必须为正整数")
    filters = {dest: tuple(getattr(args, dest)) for _, dest, _ in FILTER_OPTIONS}
    params = SearchParams(q=args.query, filters=filters, page_size=min(args.limit, 100),
                          facets=False)
    with open_index(args.index).searcher() as searcher:
        result = run_search(searcher, params)
    if args.json:
        print(json.dumps({"total": result.total, "hits": result.hits}, ensure_ascii=False,
                         indent=1))
    else:
        print(format_hits(result.total, result.hits))
    return 0


def format_hits(total: int, hits: list[dict]) -> str:
    from search_service.highlight import terminal_marks

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


def cmd_sample(args: argparse.Namespace) -> int:
    from indexer.sample import generate

    if args.customers < 1:
        raise InputError("--customers 必须为正整数")
    summary = generate(args.root, customers=args.customers, seed=args.seed, progress=True)
    print(f"示例档案已生成：{summary.root}（客户 {summary.customers} 户，文档 "
          f"{summary.documents} 份，其中故意损坏 {summary.broken} 份）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
