"""Building the index: ``index`` (with ``--watch``), ``reindex`` from the catalog,
``verify`` (integrity), ``failures``, and ``sample`` (the bundled sample archive)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from indexer.errors import InputError
from indexer.pipeline import RunSummary, run_index
from search_service.cli.common import DEFAULT_INDEX, add_db_option, catalog_of, command
from search_service.config import Settings


def add_commands(commands: argparse._SubParsersAction) -> None:
    for add in (add_index, add_reindex, add_verify, add_failures, add_sample):
        add(commands)


def add_index(commands: argparse._SubParsersAction) -> None:
    sub = command(commands, "index", "为档案目录建立或更新索引（只处理新增、修改和删除的文件）",
                  cmd_index)
    sub.add_argument("root", type=Path, help="档案根目录（含 customers.csv）")
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--workers", type=int, default=None, help="抽取文本的进程数（默认为 CPU 核数）")
    sub.add_argument("--batch-size", type=int, default=1000,
                     help="每处理多少个文件提交一次（中断后已提交的部分保留）")
    sub.add_argument("--quiet", action="store_true", help="不显示进度条")
    sub.add_argument("--retry-failed", action="store_true",
                     help="重试此前失败的文件（例如安装 LibreOffice 或放宽限制之后）")
    sub.add_argument("--watch", action="store_true",
                     help="持续监视档案目录，有新文件放入并稳定后自动索引（Ctrl+C 退出）")
    sub.add_argument("--interval", type=float, default=2.0, help="监视时的检查间隔秒数（默认 2）")
    sub.add_argument("--debounce", type=float, default=5.0,
                     help="监视时文件稳定多少秒后才索引（默认 5）")
    sub.add_argument("--max-size-mb", type=int, default=512, help="单个文件大小上限 MB（默认 512）")
    sub.add_argument("--timeout", type=float, default=180.0,
                     help="单个文件无进展的处理时限秒数，超时则终止并记为失败（默认 180）")
    sub.add_argument("--memory-mb", type=int, default=1024,
                     help="每个处理进程的常驻内存上限 MB，超出则终止该文件的处理并记为失败；"
                          "整个索引运行最多占用 进程数×上限（默认 1024）")
    add_db_option(sub)


def add_failures(commands: argparse._SubParsersAction) -> None:
    sub = command(commands, "failures", "列出未能索引的文件及原因（失败和不支持的文件）",
                  cmd_failures)
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")
    add_db_option(sub)


def add_reindex(commands: argparse._SubParsersAction) -> None:
    sub = command(commands, "reindex", "由数据库中的档案目录重建检索引擎的索引（不读取任何档案文件）",
                  cmd_reindex)
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--engine", default=None,
                     help="检索引擎：whoosh、tantivy 或 manticore（默认取 ARCHIVE_SEARCH_ENGINE，未设置则 whoosh）")
    sub.add_argument("--quiet", action="store_true", help="不显示进度条")
    sub.add_argument("--workers", type=int, help="另开几个进程做分词（默认：多核且不少于 20000 条时 1 个）")
    add_db_option(sub)


def add_verify(commands: argparse._SubParsersAction) -> None:
    sub = command(commands, "verify", "完整性检测：重新计算哈希，报告变更未重新索引、缺失、"
                  "无法打开和未索引的文件（有问题时退出码为 1）", cmd_verify)
    sub.add_argument("root", type=Path, help="档案根目录")
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--workers", type=int, default=None, help="进程数（默认为 CPU 核数）")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")
    add_db_option(sub)


def add_sample(commands: argparse._SubParsersAction) -> None:
    sub = command(commands, "sample", "生成示例档案（客户清单、单位层级、档案目录，PDF/DOCX/TXT 文件与扫描件）",
                  cmd_sample)
    sub.add_argument("root", type=Path, help="输出目录")
    sub.add_argument("--customers", type=int, default=300, help="客户数（默认 300）")
    sub.add_argument("--seed", type=int, default=0, help="随机种子（相同种子生成相同档案）")
    sub.add_argument("--scans", type=int, default=None,
                     help="附带扫描件（需 OCR 识别）的客户数（默认为客户数的 1/15）")


def cmd_index(args: argparse.Namespace) -> int:
    from indexer.extract import Limits
    from indexer.workers import TaskLimits

    if args.batch_size < 1 or (args.workers is not None and args.workers < 1):
        raise InputError("--batch-size 和 --workers 必须为正整数")
    if args.max_size_mb < 1 or args.timeout <= 0 or args.memory_mb < 256:
        raise InputError("--max-size-mb、--timeout 须为正数，--memory-mb 至少 256")
    from search_service.engines import open_engine

    settings = Settings.from_env(index_dir=args.index, database_url=args.db)
    options = {"workers": args.workers, "progress": not args.quiet,
               "batch_size": args.batch_size,
               "retry_failed": args.retry_failed,
               "limits": Limits(max_bytes=args.max_size_mb * 2**20),
               "task_limits": TaskLimits(
                   seconds=args.timeout, resident_bytes=args.memory_mb * 2**20,
                   memory_bytes=max(4096, 4 * args.memory_mb) * 2**20),  # address space: a backstop
               "db_url": settings.db_url(), "engine": open_engine(settings)}
    if args.watch:
        from indexer.watch import watch

        print(f"正在监视 {args.root}（按 Ctrl+C 退出）", file=sys.stderr)
        watch(args.root, args.index, interval=args.interval, debounce=args.debounce,
              on_run=lambda summary: print(format_summary(summary), flush=True),
              on_error=lambda exc: print(f"错误：{exc.message}（修正后自动重试）", file=sys.stderr,
                                         flush=True), **options)
        return 0
    summary = run_index(args.root, args.index, **options)
    print(format_summary(summary))
    return 0


def cmd_failures(args: argparse.Namespace) -> int:
    failures = catalog_of(args).failed()
    if args.json:
        files = [{"path": f["path"], "status": f["status"], "reason": f["error"]}
                 for f in failures]
        print(json.dumps({"count": len(failures), "files": files}, ensure_ascii=False,
                         indent=1))
        return 0
    if not failures:
        print("没有未能索引的文件。")
        return 0
    print(f"共 {len(failures)} 个文件未能索引：")
    for failure in failures:
        kind = "不支持" if failure["status"] == "unsupported" else "失败"
        print(f"  [{kind}] {failure['path']}：{failure['error']}")
    print("处理原因后运行 archive-search index 档案目录 --retry-failed 重试。")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from indexer.integrity import verify

    report = verify(args.root, args.index, workers=args.workers,
                    db_url=Settings.from_env(index_dir=args.index, database_url=args.db).db_url())
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(f"完整性检测：已核对 {report.checked} 个已索引文件，完好 {report.intact} 个，"
              f"发现问题 {len(report.problems)} 个")
        for problem in report.problems:
            detail = f"（{problem.detail}）" if problem.detail else ""
            print(f"  [{problem.label}] {problem.path}{detail}")
    return 1 if report.problems else 0


def cmd_reindex(args: argparse.Namespace) -> int:
    import time

    from tqdm import tqdm

    from indexer.sync import rebuild, reindex_workers
    from search_service.engines import open_engine
    from search_service.oversight.derived import Derivation

    settings = Settings.from_env(index_dir=args.index, database_url=args.db)
    catalog = catalog_of(args)
    workers = reindex_workers(args.workers, total := catalog.count())
    engine = open_engine(settings, args.engine)
    began = time.monotonic()
    with tqdm(total=total, desc=f"重建索引（{engine.name}）", unit="条",
              disable=args.quiet, dynamic_ncols=True) as bar:
        documents = rebuild(engine, catalog, lambda: bar.update(1), workers=workers,
                            derive=Derivation(catalog.engine, settings.resolved_root()))
    engine.close()
    seconds = time.monotonic() - began
    failed = len(catalog.failed())
    print(f"重建完成（{engine.name}）：可检索文档 {documents} 篇，未能索引的文件 {failed} 个"
          f"（只在数据库中），用时 {seconds:.1f} 秒（{documents / max(seconds, 1e-6):.0f} 篇/秒）；"
          "未读取任何档案文件。")
    return 0


def format_summary(summary: RunSummary) -> str:
    lines = [
        f"索引完成，用时 {summary.seconds:.1f} 秒：新增 {summary.added}，更新 {summary.updated}，"
        f"删除 {summary.removed}，未变 {summary.unchanged}，失败 {len(summary.failed)}，"
        f"未归户 {len(summary.unassigned)}",
    ]
    if summary.ocr_pages or summary.ocr_cached:
        lines.append(f"扫描件 OCR 识别 {summary.ocr_pages} 页；{summary.ocr_cached} 份扫描件内容未变，"
                     "直接使用缓存的识别结果")
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


def cmd_sample(args: argparse.Namespace) -> int:
    from sample_archive.domain import MIN_CUSTOMERS
    from sample_archive.generator import generate

    if args.customers < MIN_CUSTOMERS:
        raise InputError(f"--customers 至少为 {MIN_CUSTOMERS}")
    if args.root.exists() and any(args.root.iterdir()):
        raise InputError(f"输出目录 {args.root} 不是空目录，示例档案只写入新目录或空目录")
    summary = generate(args.root, customers=args.customers, seed=args.seed, progress=True,
                       scans=args.scans)
    print(f"示例档案已生成：{summary.root}（客户 {summary.customers} 户，文档 "
          f"{summary.documents} 份，其中扫描件 {summary.scans} 份、故意损坏 {summary.broken} 份）")
    if summary.note:
        print(summary.note)
    return 0
