"""``archive-search report completeness|followup|assessment``: the oversight reports on the console.

The command acts as ``命令行:<os user>`` with an inspector's reach (every unit, personal data
masked); each report is one access-log record like a page view.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from indexer.errors import InputError
from search_service.archive_room.rules import load_rules
from search_service.cli.common import DEFAULT_INDEX, add_db_option, command, console_user
from search_service.config import Settings
from search_service.oversight.assessment import NO_DATA, shown
from search_service.oversight.followup import LISTS

REPORTS = ("completeness", "followup", "assessment")
FOLLOWUP_LISTS = ("hazards", "contracts", "inspections", "late")


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = command(commands, "report", "档案管理报表：资料齐全、跟踪督办清单、单位考核", cmd_report)
    sub.add_argument("report", choices=REPORTS,
                     help="completeness（资料齐全）/ followup（跟踪督办）/ assessment（单位考核）")
    sub.add_argument("--org", default="", help="供电单位（含下级单位），默认全部")
    sub.add_argument("--period", default="",
                     help="考核期间，如 2024、2024Q3、2024-07（默认本季度；followup 时限定归档不及时清单）")
    sub.add_argument("--within", type=int, default=None, help="合同到期提醒天数（默认按规则，90 天）")
    sub.add_argument("--xlsx", type=Path, default=None, help="同时导出为 Excel 文件")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")
    sub.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录")
    sub.add_argument("--root", type=Path, default=None, help="档案根目录（规则文件 rules.csv 所在）")
    add_db_option(sub)


def cmd_report(args: argparse.Namespace) -> int:
    from search_service.access.control import Access
    from search_service.reading.oversight import Oversight
    from search_service.reading.reader import ArchiveReader

    settings = Settings.from_env(database_url=args.db, index_dir=args.index,
                                 archive_root=args.root)
    load_rules(settings.resolved_root())  # a bad rules file: exit 2 naming its line
    if args.xlsx is not None and args.xlsx.exists() and args.xlsx.is_dir():
        raise InputError(f"{args.xlsx} 是目录，请给出 Excel 文件名")
    oversight = Oversight(ArchiveReader(settings, Access(settings)))
    user = console_user("inspector")
    if args.report == "assessment":
        body: Any = oversight.assessment(user, args.period, args.org, with_trend=False)
        if args.xlsx:
            args.xlsx.write_bytes(oversight.export_assessment(user, args.period, args.org))
        text = format_assessment(body)
    else:
        names = ["incomplete"] if args.report == "completeness" else list(FOLLOWUP_LISTS)
        body = {name: oversight.work_list(user, name, args.org, args.period, args.within)
                for name in names}
        if args.report == "completeness":
            body["overview"] = oversight.overview(user, args.org)
        if args.xlsx:
            args.xlsx.write_bytes(oversight.export_lists(user, names, args.org, args.period))
        text = format_lists(body, names)
    print(json.dumps(body, ensure_ascii=False, indent=2, default=str) if args.json else text)
    if args.xlsx and not args.json:
        print(f"已导出 Excel：{args.xlsx}")
    return 0


def format_lists(body: dict[str, Any], names: list[str]) -> str:
    lines = []
    overview = body.get("overview")
    if overview:
        rate = shown(overview["rate"], True)
        lines.append(f"客户 {overview['customers']} 户，资料齐全 {overview['complete']} 户"
                     f"（{rate}），不齐全 {overview['incomplete']} 户")
    for name in names:
        work_list = body[name]
        lines.append(f"\n{work_list['title']}：{work_list['total']} 条")
        columns = LISTS[name].columns
        lines.append("\t".join(c.title for c in columns))
        lines += ["\t".join(str(row.get(c.key, "")) for c in columns) for row in work_list["rows"]]
    return os.linesep.join(lines).strip()


def format_assessment(report: dict[str, Any]) -> str:
    figures = report["figures"]
    lines = [f"单位考核：{report['period']}（{report['start']} 至 {report['end']}，"
             f"截至 {report['as_of']}）", "\t".join(["供电单位"] + [f["title"] for f in figures])]
    for row in report["rows"]:
        cells = [row["org"]]
        for figure in figures:
            value = row["figures"][figure["key"]]
            if not figure["rate"]:
                cells.append(str(value["value"]))
            elif value["value"] is None:
                cells.append(NO_DATA)
            else:
                cells.append(f"{value['value'] * 100:.1f}%（{value['numerator']}/"
                             f"{value['denominator']}）")
        lines.append("\t".join(cells))
    lines.append("\n计算公式：")
    lines += [f"  {f['title']}：{f['formula']}" for f in figures]
    return os.linesep.join(lines)
