"""The archive room's commands: ``export-eep`` (a handover batch as electronic-record
packages) and ``verify-eep`` (the receiving side's check of such an export).

``export-eep`` acts as a named account (``--user``): its role and unit decide scope and
masking exactly as on the page, and every exported document is an access-log record.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sqlalchemy import or_, select

from indexer.errors import InputError
from search_service.access.users import User
from search_service.cli.common import DEFAULT_INDEX, add_db_option, command
from search_service.config import Settings


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = command(commands, "export-eep",
                  "导出移交批次中已接收档案的电子档案封装包（DA/T 48 结构的 XML，每件一个，附清单）",
                  cmd_export_eep)
    sub.add_argument("batch", help="移交批次号（如 YJ-20250630-0001）或批次编号")
    sub.add_argument("--user", required=True,
                     help="以该账户导出：按其角色和单位确定范围与脱敏（记入访问日志）")
    sub.add_argument("--out", type=Path, default=None,
                     help="输出的 zip 文件（默认 电子档案封装包_<批次号>.zip）")
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--root", type=Path, default=None, help="档案根目录（原文件所在）")
    add_db_option(sub)
    sub = command(commands, "verify-eep",
                  "校验电子档案封装包：签名摘要、原文件哈希、清单是否完整（有问题时退出码为 1）",
                  cmd_verify_eep)
    sub.add_argument("path", type=Path, help="export-eep 导出的 zip 文件，或单个封装包 XML")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")


def cmd_export_eep(args: argparse.Namespace) -> int:
    from search_service.access.control import Access
    from search_service.archive_room.eep.export import EepExport
    from search_service.reading.reader import ArchiveReader

    settings = Settings.from_env(database_url=args.db, index_dir=args.index,
                                 archive_root=args.root)
    access = Access(settings)
    user = _account(access, args.user)
    batch_id, batch_no = _batch(access, args.batch)
    out = args.out or Path(f"电子档案封装包_{batch_no}.zip")
    if out.is_dir() or not out.parent.is_dir():
        raise InputError(f"无法写入 {out}：请给出已存在目录中的 zip 文件名")
    done = EepExport(ArchiveReader(settings, access)).export(user, batch_id, out)
    masked = "（脱敏，不含原文件）" if done.masked else "（含原文件）"
    print(f"已导出移交批次 {done.batch_no} 的 {done.packages} 个封装包{masked}：{out}")
    return 0


def cmd_verify_eep(args: argparse.Namespace) -> int:
    from search_service.archive_room.eep.verify import verify_export

    report = verify_export(args.path)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return 0 if report.ok else 1
    what = f"移交批次 {report.batch_no}，" if report.batch_no else ""
    print(f"{args.path}：{what}{report.packages} 个封装包"
          f"{'（脱敏）' if report.masked else ''}")
    for line in report.errors:
        print(f"  错误：{line}")
    for line in report.warnings:
        print(f"  提示：{line}")
    print("校验通过：完整，未被修改" if report.ok else f"校验未通过：{len(report.errors)} 个错误")
    return 0 if report.ok else 1


def _account(access: object, name: str) -> User:
    from search_service.errors import AccountError

    try:
        info = access.accounts.get(name)  # type: ignore[attr-defined]
    except AccountError as exc:
        raise InputError(exc.message) from exc
    if info.disabled:
        raise InputError(f"用户“{name}”已停用")
    return User(info.name, info.role, info.org)


def _batch(access: object, batch: str) -> tuple[int, str]:
    from search_service.archive_room.tables import handover_batches as table

    query = select(table.c.id, table.c.batch_no).where(or_(
        table.c.batch_no == batch.strip(),
        table.c.id == (int(batch) if batch.strip().isdigit() else -1)))
    with access.engine.connect() as conn:  # type: ignore[attr-defined]
        row = conn.execute(query).first()
    if row is None:
        raise InputError(f"没有移交批次“{batch}”")
    return row.id, row.batch_no
