"""The operators' subcommands of ``archive-search``: ``db`` (schema status and upgrade).

Registered by :func:`add_commands` from ``search_service/cli.py``; kept here so the main
command module does not grow with every operational concern.
"""

from __future__ import annotations

import argparse

from search_service.config import Settings


def add_db_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--db", default=None,
                     help="数据库地址（ARCHIVE_SEARCH_DB，默认为索引目录旁的 archive-search.db）")


def add_commands(commands: argparse._SubParsersAction) -> None:
    _add_db(commands)


def _add_db(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("db", help="数据库结构：查看版本、升级",
                              description="数据库结构（Alembic 迁移）。服务和各命令启动时会自动升级，"
                                          "也可在停机维护时先行手动升级")
    actions = sub.add_subparsers(dest="db_command", required=True, metavar="操作")
    for name, help_text, func in (("status", "显示数据库结构的当前版本和最新版本", cmd_db_status),
                                  ("upgrade", "将数据库结构升级到最新版本（保留全部数据）",
                                   cmd_db_upgrade)):
        action = actions.add_parser(name, help=help_text, description=help_text)
        action.set_defaults(func=func)
        add_db_option(action)


def _url(args: argparse.Namespace) -> str:
    return Settings.from_env(database_url=args.db).db_url()


def cmd_db_status(args: argparse.Namespace) -> int:
    from search_service.db import make_engine
    from search_service.migrate import current_revision, head_revision

    engine = make_engine(_url(args), migrate=False)
    with engine.connect() as conn:
        current = current_revision(conn)
    head = head_revision()
    state = "已是最新" if current == head else "需要升级（archive-search db upgrade）"
    print(f"数据库结构版本：{current or '（空库或迁移前的旧库）'}；最新版本：{head}；{state}")
    return 0 if current == head else 1


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from search_service.db import make_engine
    from search_service.migrate import head_revision, upgrade

    before = upgrade(make_engine(_url(args), migrate=False))
    head = head_revision()
    if before == head:
        print(f"数据库结构已是最新版本 {head}，无需升级")
    else:
        print(f"数据库结构已从 {before or '空库'} 升级到 {head}")
    return 0
