"""The operators' subcommands of ``archive-search``: ``db`` (schema status and upgrade),
``backup`` and ``restore``.

Registered by :func:`add_commands` from ``search_service/cli/main.py``; kept here so the main
command module does not grow with every operational concern.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from search_service.cli.common import add_db_option, command
from search_service.config import Settings


def add_commands(commands: argparse._SubParsersAction) -> None:
    _add_db(commands)
    _add_backup(commands)


def _add_backup(commands: argparse._SubParsersAction) -> None:
    for name, help_text, func, place in (
            ("backup", "备份数据库（账户、访问日志、档案目录）和 OCR 缓存（检索索引恢复时由档案目录重建），附 SHA-256 清单；"
                       "服务可照常运行", cmd_backup, "备份目录（新目录）"),
            ("restore", "校验备份（清单签名、每个文件的 SHA-256、访问日志哈希链）无误后再恢复；"
                        "不符则拒绝，原有数据只改名保留", cmd_restore, "备份目录")):
        sub = command(commands, name, help_text, func)
        sub.add_argument("directory", type=Path, help=place)
        sub.add_argument("--index", type=Path, default=None,
                         help="索引目录（ARCHIVE_SEARCH_INDEX，默认 data/index）")
        add_db_option(sub)
        if name == "restore":
            sub.add_argument("--force", action="store_true",
                             help="替换已有的索引和数据库（原有的改名为 *.before-restore-时间）")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(index_dir=args.index, database_url=args.db)


def cmd_backup(args: argparse.Namespace) -> int:
    from search_service.ops.backup import backup

    done = backup(_settings(args), args.directory)
    print(f"已备份到 {done.directory}：{done.files} 个文件，{done.bytes / 1e6:.1f} MB，"
          f"用时 {done.seconds:.1f} 秒；访问日志至第 {done.last_seq} 号记录。清单：manifest.json")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from search_service.ops.backup import restore

    done = restore(_settings(args), args.directory, force=args.force)
    print(f"备份校验通过（清单签名、{done.files} 个文件的 SHA-256、访问日志 {done.last_seq} 条记录的哈希链），"
          f"已恢复到 {done.directory}，用时 {done.seconds:.1f} 秒")
    return 0


def _add_db(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("db", help="数据库结构：查看版本、升级",
                              description="数据库结构（Alembic 迁移）。服务和各命令启动时会自动升级，"
                                          "也可在停机维护时先行手动升级")
    actions = sub.add_subparsers(dest="db_command", required=True, metavar="操作")
    for name, help_text, func in (("status", "显示数据库结构的当前版本和最新版本", cmd_db_status),
                                  ("upgrade", "将数据库结构升级到最新版本（保留全部数据）",
                                   cmd_db_upgrade)):
        add_db_option(command(actions, name, help_text, func))


def _url(args: argparse.Namespace) -> str:
    return Settings.from_env(database_url=args.db).db_url()


def cmd_db_status(args: argparse.Namespace) -> int:
    from search_service.migrate import make_engine
    from search_service.migrate import current_revision, head_revision

    engine = make_engine(_url(args), migrate=False)
    with engine.connect() as conn:
        current = current_revision(conn)
    head = head_revision()
    state = "已是最新" if current == head else "需要升级（archive-search db upgrade）"
    print(f"数据库结构版本：{current or '（空库或迁移前的旧库）'}；最新版本：{head}；{state}")
    return 0 if current == head else 1


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from search_service.migrate import make_engine
    from search_service.migrate import head_revision, upgrade

    before = upgrade(make_engine(_url(args), migrate=False))
    head = head_revision()
    if before == head:
        print(f"数据库结构已是最新版本 {head}，无需升级")
    else:
        print(f"数据库结构已从 {before or '空库'} 升级到 {head}")
    return 0
