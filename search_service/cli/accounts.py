"""``user``: accounts, roles, tokens and the demo accounts (system administrators); every
change is recorded in the access log."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from indexer.errors import ArchiveSearchError, InputError
from search_service.access.policy import ROLES, needs_unit, role_label
from search_service.access.users import User
from search_service.cli.common import access_of, add_db_option, command, console_user, read_password

if TYPE_CHECKING:
    from search_service.access.control import Access

def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("user", help="管理用户账户（系统管理员）",
                              description="管理用户账户；每项操作都记入访问日志。"
                                          "密码从终端提示输入，或由标准输入读取一行，绝不作为参数")
    actions = sub.add_subparsers(dest="user_command", required=True, metavar="操作")
    roles = ", ".join(f"{r.name}（{r.label}）" for r in ROLES.values())
    add = command(actions, "add", "创建用户", cmd_user_add)
    add.add_argument("name", help="用户名")
    add.add_argument("--role", required=True, choices=list(ROLES), help=f"角色：{roles}")
    add.add_argument("--org", default="", help="所属供电单位，如 城东供电所")
    command(actions, "list", "列出用户", cmd_user_list)
    for name, help_text, func in (("disable", "停用用户（立即结束其会话）", cmd_user_disable),
                                  ("enable", "重新启用用户", cmd_user_enable),
                                  ("reset-password", "重置密码", cmd_user_reset_password)):
        command(actions, name, help_text, func).add_argument("name", help="用户名")
    role = command(actions, "set-role", "变更角色或所属单位", cmd_user_set_role)
    role.add_argument("name", help="用户名")
    role.add_argument("--role", required=True, choices=list(ROLES), help=f"角色：{roles}")
    role.add_argument("--org", default=None, help="所属供电单位（不填则不变）")
    token = command(actions, "token", "签发、列出或吊销脚本用的访问令牌", cmd_user_token)
    token.add_argument("action", choices=("create", "list", "revoke"), help="create / list / revoke")
    token.add_argument("target", help="create、list 时为用户名；revoke 时为令牌编号")
    token.add_argument("--label", default="script", help="令牌用途说明")
    demo = command(actions, "demo", "为每个角色创建演示账户并打印密码（仅限演示模式）",
                   cmd_user_demo)
    demo.add_argument("--org", default="", help="营业员所属供电所（默认取索引中的第一个）")
    for parser in actions.choices.values():
        add_db_option(parser)


def _print_users(users: list) -> None:
    for info in users:
        state = "已停用" if info.disabled else "正常"
        print(f"{info.name}\t{info.role}（{role_label(info.role)}）\t{info.org or '—'}\t{state}")


def cmd_user_add(args: argparse.Namespace) -> int:
    if needs_unit(args.role) and not args.org.strip():
        raise InputError(f"角色 {args.role}（{role_label(args.role)}）须用 --org 指定所属供电单位")
    access = access_of(args)
    info = access.accounts.create_user(console_user(), args.name, read_password(), args.role,
                                       access.units().listed(args.org.strip()))
    print(f"已创建用户 {info.name}：{role_label(info.role)}，{info.org or '不限单位'}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    _print_users(access_of(args).accounts.list_users())
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    access_of(args).accounts.set_disabled(console_user(), args.name, True)
    print(f"已停用用户 {args.name}，其会话和令牌立即失效")
    return 0


def cmd_user_enable(args: argparse.Namespace) -> int:
    access_of(args).accounts.set_disabled(console_user(), args.name, False)
    print(f"已启用用户 {args.name}")
    return 0


def cmd_user_set_role(args: argparse.Namespace) -> int:
    access = access_of(args)
    info = access.accounts.set_role(console_user(), args.name, args.role,
                                    args.org and access.units().listed(args.org.strip()))
    print(f"用户 {info.name} 现为 {role_label(info.role)}，{info.org or '不限单位'}；其会话已结束")
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    access_of(args).accounts.reset_password(console_user(), args.name, read_password("新密码："))
    print(f"已重置用户 {args.name} 的密码，其会话已结束")
    return 0


def cmd_user_token(args: argparse.Namespace) -> int:
    accounts = access_of(args).accounts
    if args.action == "create":
        token_id, secret = accounts.create_token(console_user(), args.target, args.label)
        print(f"已签发令牌（编号 {token_id}）。请立即保存，它不会再次显示：\n{secret}")
        print(f"此令牌由 {console_user().name} 签发：用它所做的每次访问都在访问日志中注明签发人")
        print("使用方法：请求头 Authorization: Bearer <令牌>")
    elif args.action == "list":
        for token in accounts.list_tokens(args.target):
            state = "已吊销" if token["revoked"] else "有效"
            print(f"{token['id']}\t{token['label']}\t{token['created_at']}\t{state}")
    else:
        if not args.target.isdigit():
            raise InputError(f"令牌编号应为数字：{args.target}")
        accounts.revoke_token(console_user(), int(args.target))
        print(f"已吊销令牌 {args.target}")
    return 0


def cmd_user_demo(args: argparse.Namespace) -> int:
    import secrets

    from search_service.access.policy import DEFAULT_CITY, NEW_ACCOUNT_ROLE

    access = access_of(args)
    if not access.settings.demo:
        raise InputError("演示账户只能在演示模式下创建（ARCHIVE_SEARCH_DEMO=1）")
    station = args.org or _first_station(access) or "城东供电所"
    city = _top_unit(access) or DEFAULT_CITY
    orgs = {"clerk": station, "archivist": city, "inspector": city}
    actor = console_user()
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
