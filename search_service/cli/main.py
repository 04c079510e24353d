"""The ``archive-search`` command: one entry point, a subcommand per task."""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from indexer.errors import ArchiveSearchError, InputError
from search_service.cli import accounts, archive_room, audit, indexing, ops, oversight, search
from search_service.cli.common import (EXIT_BAD_INPUT, EXIT_DISK_FULL, EXIT_INTERRUPTED, command,
                                       ensure_paired)
from search_service.config import Settings
from search_service.errors import QueryError


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
    indexing.add_commands(commands)
    search.add_commands(commands)
    add_serve(commands)
    accounts.add_commands(commands)
    audit.add_commands(commands)
    ops.add_commands(commands)
    oversight.add_commands(commands)
    archive_room.add_commands(commands)
    return parser


def add_serve(commands: argparse._SubParsersAction) -> None:
    sub = command(commands, "serve", "启动检索服务（网页与 API）；参数也可由 ARCHIVE_SEARCH_* 环境变量设置",
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

        ensure_paired(settings, Catalog.open(settings.db_url()))
    os.environ.update(settings.to_env())  # worker processes rebuild the same settings
    print(f"检索服务：http://{settings.host}:{settings.port}/ （索引 {settings.index_dir}，"
          f"按 Ctrl+C 停止）", flush=True)
    uvicorn.run("search_service.api.app:app_from_env", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, log_level="warning",
                access_log=False,  # every read is in the access log; no console line per request
                proxy_headers=False)  # forwarded headers: only ARCHIVE_SEARCH_TRUSTED_PROXIES
    return 0


if __name__ == "__main__":
    sys.exit(main())
