"""What every command group shares: the default index, exit codes, how a command is
registered, the console user, the password prompt, and opening the catalog and access control."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.errors import InputError
from search_service.access.users import User
from search_service.config import Settings

if TYPE_CHECKING:
    from indexer.catalog.store import Catalog
    from search_service.access.control import Access

DEFAULT_INDEX = Path(os.environ.get("ARCHIVE_SEARCH_INDEX", "data/index"))
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_DISK_FULL = 3


def command(commands: argparse._SubParsersAction, name: str, help_text: str,
            func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
    """Register subcommand ``name`` (its help and description ``help_text``) to run ``func``."""
    sub = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(func=func)
    return sub


def access_of(args: argparse.Namespace, check_key: bool = True) -> "Access":
    """Access control over the database of ``--db`` (the audit key checked unless told not to)."""
    from search_service.access.control import Access

    return Access(Settings.from_env(database_url=args.db), check_key=check_key)


def add_db_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--db", default=None,
                     help="数据库地址（ARCHIVE_SEARCH_DB，默认为索引目录旁的 archive-search.db）")


def console_user(role: str = "admin") -> User:
    """Who acts from the command line: the operating-system account, in ``role`` (an
    administrator; the reports read as an inspector), of no unit."""
    import getpass

    return User(name=f"命令行:{getpass.getuser()}", role=role, org="")


def read_password(prompt: str = "密码：") -> str:
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


def catalog_of(args: argparse.Namespace) -> "Catalog":
    """The catalog of ``--index``/``--db``; refused when nothing was ever indexed there."""
    from indexer.catalog.store import Catalog
    from indexer.errors import IndexDirError

    settings = Settings.from_env(index_dir=args.index, database_url=args.db)
    if not args.db and not settings.database_url and not args.index.is_dir():
        raise IndexDirError(f"索引目录 {args.index} 中没有索引，请先运行 archive-search index")
    return Catalog.open(settings.db_url())


def ensure_paired(settings: Settings, catalog: "Catalog") -> None:
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
