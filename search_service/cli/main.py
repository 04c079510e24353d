"""The ``archive-search`` command: one entry point, a subcommand per task."""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.errors import ArchiveSearchError, InputError
from indexer.pipeline import RunSummary, run_index
from search_service.config import Settings
from search_service.cli import archive_room as room_cli
from search_service.access.audit import Event
from search_service.errors import QueryError
from search_service.cli import ops
from search_service.cli.oversight import add_report
from search_service.access.policy import ROLES, needs_unit, role_label
from search_service.access.users import User

if TYPE_CHECKING:
    from indexer.catalog.store import Catalog
    from search_service.access.control import Access
    from search_service.config import Settings
    from search_service.reading.search import SearchResult

DEFAULT_INDEX = Path(os.environ.get("ARCHIVE_SEARCH_INDEX", "data/index"))
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_DISK_FULL = 3

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
    except (InputError, QueryError) as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ArchiveSearchError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head, less, …: the reader went away
        sys.stderr.close()
        return 0
    except Exception as exc:
        if not _disk_full(exc):
            raise
        detail = ("此前已提交的索引保持完整可检索；请释放空间后再次运行，将继续未完成的部分。"
                  if args.command == "index" else "请释放空间后重试。")
        print(f"错误：磁盘空间不足，已停止。{detail}", file=sys.stderr)
        return EXIT_DISK_FULL
    except KeyboardInterrupt:
        print("\n已中断：之前已提交的索引保持完整可检索，再次运行将继续未完成的部分。",
              file=sys.stderr)
        return EXIT_INTERRUPTED


def _disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is the disk running out of space."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "disk is full" in str(exc):  # SQLite's SQLITE_FULL
            return True
        exc = exc.__cause__ or exc.__context__
    return False


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
    _add_user(commands)
    _add_audit(commands)
    _add_failures(commands)
    _add_verify(commands)
    _add_reindex(commands)
    ops.add_commands(commands)
    add_report(commands, DEFAULT_INDEX)
    room_cli.add_commands(commands, DEFAULT_INDEX)
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
    ops.add_db_option(sub)


def _add_search(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "search", "检索档案：户名、户号或正文中的任意词语"
                   "（证件号码、手机号码、银行账号遮蔽显示）", cmd_search)
    sub.add_argument("query", nargs="?", default="", help="检索词；加英文引号为短语；留空则按筛选条件列出")
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    for option, dest, help_text in FILTER_OPTIONS:
        sub.add_argument(option, dest=dest, action="append", default=[], help=help_text)
    sub.add_argument("--limit", type=int, default=10, help="最多显示条数（默认 10）")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")
    ops.add_db_option(sub)


def _add_sample(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "sample", "生成示例档案（客户清单、单位层级、档案目录，PDF/DOCX/TXT 文件与扫描件）",
                   cmd_sample)
    sub.add_argument("root", type=Path, help="输出目录")
    sub.add_argument("--customers", type=int, default=300, help="客户数（默认 300）")
    sub.add_argument("--seed", type=int, default=0, help="随机种子（相同种子生成相同档案）")
    sub.add_argument("--scans", type=int, default=None,
                     help="附带扫描件（需 OCR 识别）的客户数（默认为客户数的 1/15）")


def _add_failures(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "failures", "列出未能索引的文件及原因（失败和不支持的文件）",
                   cmd_failures)
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")
    ops.add_db_option(sub)


def _add_reindex(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "reindex", "由数据库中的档案目录重建检索引擎的索引（不读取任何档案文件）",
                   cmd_reindex)
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--engine", default=None,
                     help="检索引擎：whoosh、tantivy 或 manticore（默认取 ARCHIVE_SEARCH_ENGINE，未设置则 whoosh）")
    sub.add_argument("--quiet", action="store_true", help="不显示进度条")
    sub.add_argument("--workers", type=int, help="另开几个进程做分词（默认：多核且不少于 20000 条时 1 个）")
    ops.add_db_option(sub)


def _add_verify(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "verify", "完整性检测：重新计算哈希，报告变更未重新索引、缺失、"
                   "无法打开和未索引的文件（有问题时退出码为 1）", cmd_verify)
    sub.add_argument("root", type=Path, help="档案根目录")
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--workers", type=int, default=None, help="进程数（默认为 CPU 核数）")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")
    ops.add_db_option(sub)


def _add_serve(commands: argparse._SubParsersAction) -> None:
    sub = _command(commands, "serve", "启动检索服务（网页与 API）；参数也可由 ARCHIVE_SEARCH_* 环境变量设置",
                   cmd_serve)
    sub.add_argument("--index", type=Path, default=None,
                     help="索引目录（ARCHIVE_SEARCH_INDEX，默认 data/index）")
    sub.add_argument("--root", type=Path, default=None,
                     help="档案根目录，用于提供原文件（ARCHIVE_SEARCH_ROOT，默认取上次建索引时的目录）")
    sub.add_argument("--host", default=None, help="监听地址（ARCHIVE_SEARCH_HOST，默认 127.0.0.1）")
    sub.add_argument("--port", type=int, default=None, help="端口（ARCHIVE_SEARCH_PORT，默认 8000）")
    sub.add_argument("--workers", type=int, default=None, help="工作进程数（ARCHIVE_SEARCH_WORKERS，默认 1）")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn


    settings = Settings.from_env(index_dir=args.index, archive_root=args.root, host=args.host,
                                 port=args.port, workers=args.workers)
    settings.audit_key()  # refuse to start with a missing or default secret (exit 2)
    if settings.database_url or settings.index_dir.is_dir():
        from indexer.catalog.store import Catalog

        _check_pairing(settings, Catalog.open(settings.db_url()))
    os.environ.update(settings.to_env())  # worker processes rebuild the same settings
    print(f"检索服务：http://{settings.host}:{settings.port}/ （索引 {settings.index_dir}，"
          f"按 Ctrl+C 停止）", flush=True)
    uvicorn.run("search_service.api.app:app_from_env", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, log_level="warning",
                proxy_headers=False)  # forwarded headers: only ARCHIVE_SEARCH_TRUSTED_PROXIES
    return 0


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
    failures = _catalog(args).failed()
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

    from search_service.engines import open_engine
    from search_service.oversight.derived import Derivation
    from indexer.sync import rebuild, reindex_workers

    settings = Settings.from_env(index_dir=args.index, database_url=args.db)
    catalog = _catalog(args)
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


def _catalog(args: argparse.Namespace) -> "Catalog":
    """The catalog of ``--index``/``--db``; refused when nothing was ever indexed there."""
    from indexer.catalog.store import Catalog
    from indexer.errors import IndexDirError

    settings = Settings.from_env(index_dir=args.index, database_url=args.db)
    if not args.db and not settings.database_url and not args.index.is_dir():
        raise IndexDirError(f"索引目录 {args.index} 中没有索引，请先运行 archive-search index")
    return Catalog.open(settings.db_url())


def _check_pairing(settings: Settings, catalog: "Catalog") -> None:
    """Refuse (exit 2) an index built from another catalog than the configured database's."""
    from search_service.engines import open_engine
    from search_service.engines.pairing import check_pairing
    from search_service.errors import IndexMismatchError

    engine = open_engine(settings)
    try:
        check_pairing(engine, catalog, settings.index_dir, settings.db_url())
    except IndexMismatchError as exc:
        raise InputError(exc.message) from exc
    finally:
        engine.close()


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


def cmd_search(args: argparse.Namespace) -> int:
    from search_service.config import Settings
    from search_service.query.timewords import today_in
    from search_service.access.masking import mask_record
    from search_service.query.vocabulary import archive_context
    from search_service.reading.search import SearchParams, run_search

    if args.limit < 1:
        raise InputError("--limit 必须为正整数")
    filters = {dest: tuple(getattr(args, dest)) for _, dest, _ in FILTER_OPTIONS}
    from search_service.engines import open_engine

    settings = Settings.from_env(index_dir=args.index, database_url=args.db)
    catalog = _catalog(args)
    context = archive_context(settings.resolved_root(), catalog.units(),
                              _unit_aliases(settings), today_in(settings.time_zone))
    params = SearchParams(q=args.query, filters=filters, page_size=min(args.limit, 100),
                          facets=False, context=context, masked=True)
    _check_pairing(settings, catalog)
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


def cmd_sample(args: argparse.Namespace) -> int:
    from sample_archive.generator import MIN_CUSTOMERS, generate

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


# --- accounts and the access log (administrators) -------------------------------------------

def _add_user(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("user", help="管理用户账户（系统管理员）",
                              description="管理用户账户；每项操作都记入访问日志。"
                                          "密码从终端提示输入，或由标准输入读取一行，绝不作为参数")
    actions = sub.add_subparsers(dest="user_command", required=True, metavar="操作")
    roles = ", ".join(f"{r.name}（{r.label}）" for r in ROLES.values())
    add = _command(actions, "add", "创建用户", cmd_user_add)
    add.add_argument("name", help="用户名")
    add.add_argument("--role", required=True, choices=list(ROLES), help=f"角色：{roles}")
    add.add_argument("--org", default="", help="所属供电单位，如 城东供电所")
    _command(actions, "list", "列出用户", cmd_user_list)
    for name, help_text, func in (("disable", "停用用户（立即结束其会话）", cmd_user_disable),
                                  ("enable", "重新启用用户", cmd_user_enable),
                                  ("reset-password", "重置密码", cmd_user_reset_password)):
        _command(actions, name, help_text, func).add_argument("name", help="用户名")
    role = _command(actions, "set-role", "变更角色或所属单位", cmd_user_set_role)
    role.add_argument("name", help="用户名")
    role.add_argument("--role", required=True, choices=list(ROLES), help=f"角色：{roles}")
    role.add_argument("--org", default=None, help="所属供电单位（不填则不变）")
    token = _command(actions, "token", "签发、列出或吊销脚本用的访问令牌", cmd_user_token)
    token.add_argument("action", choices=("create", "list", "revoke"), help="create / list / revoke")
    token.add_argument("target", help="create、list 时为用户名；revoke 时为令牌编号")
    token.add_argument("--label", default="script", help="令牌用途说明")
    demo = _command(actions, "demo", "为每个角色创建演示账户并打印密码（仅限演示模式）",
                    cmd_user_demo)
    demo.add_argument("--org", default="", help="营业员所属供电所（默认取索引中的第一个）")
    for parser in actions.choices.values():
        ops.add_db_option(parser)


def _add_audit(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("audit", help="访问日志：校验、导出、清理过期记录",
                              description="访问日志：校验、导出、清理过期记录")
    actions = sub.add_subparsers(dest="audit_command", required=True, metavar="操作")
    _command(actions, "verify", "校验整条哈希链，指出第一条被修改、删除或插入的记录",
             cmd_audit_verify)
    export = _command(actions, "export", "导出访问日志为 CSV（UTF-8 带 BOM，可直接用 Excel 打开）",
                      cmd_audit_export)
    export.add_argument("output", type=Path, help="输出文件")
    export.add_argument("--user", default="", help="只导出该用户的记录")
    export.add_argument("--account", default="", help="只导出涉及该户号的记录")
    prune = _command(actions, "prune", "清理早于某日的记录（至少保留 180 天；先导出再删除，并记入日志）",
                     cmd_audit_prune)
    prune.add_argument("--before", required=True, help="日期 YYYY-MM-DD（UTC），早于此日的记录被清理")
    prune.add_argument("--export", required=True, type=Path, help="被清理记录的导出文件（须为新文件）")
    for parser in actions.choices.values():
        ops.add_db_option(parser)


def _access(args: argparse.Namespace, check_key: bool = True) -> "Access":
    from search_service.access.control import Access

    return Access(Settings.from_env(database_url=args.db), check_key=check_key)


def _console_user() -> User:
    """Who acts from the command line: the operating-system account, as an administrator."""
    import getpass

    return User(name=f"命令行:{getpass.getuser()}", role="admin", org="")


def _read_password(prompt: str = "密码：") -> str:
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("再输入一次：") != first:
            raise InputError("两次输入的密码不一致")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise InputError("未从标准输入读到密码（密码不能作为命令行参数给出）")
    return line.rstrip("\r\n")


def _print_users(users: list) -> None:
    for info in users:
        state = "已停用" if info.disabled else "正常"
        print(f"{info.name}\t{info.role}（{role_label(info.role)}）\t{info.org or '—'}\t{state}")


def cmd_user_add(args: argparse.Namespace) -> int:
    if needs_unit(args.role) and not args.org.strip():
        raise InputError(f"角色 {args.role}（{role_label(args.role)}）须用 --org 指定所属供电单位")
    access = _access(args)
    info = access.accounts.create_user(_console_user(), args.name, _read_password(), args.role,
                                       access.units().listed(args.org.strip()))
    print(f"已创建用户 {info.name}：{role_label(info.role)}，{info.org or '不限单位'}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    _print_users(_access(args).accounts.list_users())
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    _access(args).accounts.set_disabled(_console_user(), args.name, True)
    print(f"已停用用户 {args.name}，其会话和令牌立即失效")
    return 0


def cmd_user_enable(args: argparse.Namespace) -> int:
    _access(args).accounts.set_disabled(_console_user(), args.name, False)
    print(f"已启用用户 {args.name}")
    return 0


def cmd_user_set_role(args: argparse.Namespace) -> int:
    access = _access(args)
    info = access.accounts.set_role(_console_user(), args.name, args.role,
                                    args.org and access.units().listed(args.org.strip()))
    print(f"用户 {info.name} 现为 {role_label(info.role)}，{info.org or '不限单位'}；其会话已结束")
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    _access(args).accounts.reset_password(_console_user(), args.name, _read_password("新密码："))
    print(f"已重置用户 {args.name} 的密码，其会话已结束")
    return 0


def cmd_user_token(args: argparse.Namespace) -> int:
    accounts = _access(args).accounts
    if args.action == "create":
        token_id, secret = accounts.create_token(_console_user(), args.target, args.label)
        print(f"已签发令牌（编号 {token_id}）。请立即保存，它不会再次显示：\n{secret}")
        print(f"此令牌由 {_console_user().name} 签发：用它所做的每次访问都在访问日志中注明签发人")
        print("使用方法：请求头 Authorization: Bearer <令牌>")
    elif args.action == "list":
        for token in accounts.list_tokens(args.target):
            state = "已吊销" if token["revoked"] else "有效"
            print(f"{token['id']}\t{token['label']}\t{token['created_at']}\t{state}")
    else:
        if not args.target.isdigit():
            raise InputError(f"令牌编号应为数字：{args.target}")
        accounts.revoke_token(_console_user(), int(args.target))
        print(f"已吊销令牌 {args.target}")
    return 0


def cmd_user_demo(args: argparse.Namespace) -> int:
    import secrets

    from search_service.access.policy import DEFAULT_CITY, NEW_ACCOUNT_ROLE

    access = _access(args)
    if not access.settings.demo:
        raise InputError("演示账户只能在演示模式下创建（ARCHIVE_SEARCH_DEMO=1）")
    station = args.org or _first_station(access) or "城东供电所"
    city = _top_unit(access) or DEFAULT_CITY
    orgs = {"clerk": station, "archivist": city, "inspector": city}
    actor = _console_user()
    print("演示账户（仅供演示，每次运行重新生成密码）：")
    for role in ROLES.values():
        if role.name == NEW_ACCOUNT_ROLE:
            continue  # not a role anyone demonstrates: an account waiting for one
        password = f"Demo-{secrets.token_hex(4)}-{secrets.randbelow(90) + 10}"
        try:
            access.accounts.get(role.name)
            access.accounts.set_role(actor, role.name, role.name, orgs.get(role.name, ""))
            access.accounts.reset_password(actor, role.name, password)
            access.accounts.set_disabled(actor, role.name, False)
        except ArchiveSearchError:
            access.accounts.create_user(actor, role.name, password, role.name,
                                        orgs.get(role.name, ""))
        print(f"  {role.label}\t用户名 {role.name}\t密码 {password}\t{orgs.get(role.name, '')}")
    _print_demo_hints(access, [User(role.name, role.name, orgs.get(role.name, ""))
                               for role in ROLES.values()])
    return 0


def _print_demo_hints(access: "Access", users: list[User]) -> None:
    from search_service.api.demo_hints import demo_hints

    try:
        units = access.units()
    except ArchiveSearchError:
        return  # no unit tree yet (nothing indexed): nothing to point at
    lines = demo_hints(access.catalog.engine, units, users)
    if lines:
        print("登录后可以试试：")
        print("\n".join(f"  {line}" for line in lines))


def _top_unit(access: "Access") -> str:
    """The root of the unit tree (units.csv, else the default tree over the indexed units)."""
    try:
        roots = access.units().roots()
    except ArchiveSearchError:
        return ""
    return roots[0] if roots else ""


def _first_station(access: "Access") -> str:
    units = access.catalog.units()
    preferred = "城东供电所"  # the station the documentation's examples use
    return preferred if preferred in units else next((u for u in units if u), "")


def cmd_audit_verify(args: argparse.Namespace) -> int:
    access = _access(args, check_key=False)
    status = access.audit.verify()
    if status.ok:  # a broken chain (or a wrong key) gets no record hashed with this key
        access.audit.append(Event.by(_console_user(), "audit_verify", details=status.to_dict()))
    print(f"访问日志完整：{status.message}" if status.ok else f"访问日志异常：{status.message}")
    return 0 if status.ok else 1


def cmd_audit_export(args: argparse.Namespace) -> int:
    from search_service.access.audit import Filters

    access = _access(args)
    filters = Filters(user=args.user, account=args.account)
    access.audit.append(Event.by(_console_user(), "audit_export", details={
        "file": str(args.output), "user": args.user, "account": args.account}))
    with open(args.output, "w", encoding="utf-8", newline="") as out:
        for chunk in access.audit.export_csv(filters):
            out.write(chunk)
    print(f"已导出到 {args.output}")
    return 0


def cmd_audit_prune(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    try:
        before = datetime.strptime(args.before, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise InputError(f"日期格式应为 YYYY-MM-DD：{args.before}") from exc
    removed = _access(args).audit.prune(before, args.export, _console_user())
    print(f"已清理 {removed} 条早于 {args.before} 的记录，导出于 {args.export}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
