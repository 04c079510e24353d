"""``audit``: verify the access log's hash chain, export it as CSV, prune old records."""

from __future__ import annotations

import argparse
from pathlib import Path

from indexer.errors import InputError
from search_service.access.audit import Event
from search_service.cli.common import access_of, add_db_option, command, console_user

def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("audit", help="访问日志：校验、导出、清理过期记录",
                              description="访问日志：校验、导出、清理过期记录")
    actions = sub.add_subparsers(dest="audit_command", required=True, metavar="操作")
    command(actions, "verify", "校验整条哈希链，指出第一条被修改、删除或插入的记录",
            cmd_audit_verify)
    export = command(actions, "export", "导出访问日志为 CSV（UTF-8 带 BOM，可直接用 Excel 打开）",
                     cmd_audit_export)
    export.add_argument("output", type=Path, help="输出文件")
    export.add_argument("--user", default="", help="只导出该用户的记录")
    export.add_argument("--account", default="", help="只导出涉及该户号的记录")
    prune = command(actions, "prune", "清理早于某日的记录（至少保留 180 天；先导出再删除，并记入日志）",
                    cmd_audit_prune)
    prune.add_argument("--before", required=True, help="日期 YYYY-MM-DD（UTC），早于此日的记录被清理")
    prune.add_argument("--export", required=True, type=Path, help="被清理记录的导出文件（须为新文件）")
    for parser in actions.choices.values():
        add_db_option(parser)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    access = access_of(args, check_key=False)
    status = access.audit.verify()
    if status.ok:  # a broken chain (or a wrong key) gets no record hashed with this key
        access.audit.append(Event.by(console_user(), "audit_verify", details=status.to_dict()))
    print(f"访问日志完整：{status.message}" if status.ok else f"访问日志异常：{status.message}")
    return 0 if status.ok else 1


def cmd_audit_export(args: argparse.Namespace) -> int:
    from search_service.access.audit import Filters

    access = access_of(args)
    filters = Filters(user=args.user, account=args.account)
    access.audit.append(Event.by(console_user(), "audit_export", details={
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
    removed = access_of(args).audit.prune(before, args.export, console_user())
    print(f"已清理 {removed} 条早于 {args.before} 的记录，导出于 {args.export}")
    return 0
