"""Service settings: environment variables, overridden by command-line flags.

    ARCHIVE_SEARCH_INDEX    index directory (default data/index)
    ARCHIVE_SEARCH_ROOT     archive root; default: the root recorded by the last indexing run
    ARCHIVE_SEARCH_HOST     address to listen on (default 127.0.0.1)
    ARCHIVE_SEARCH_PORT     port (default 8000)
    ARCHIVE_SEARCH_WORKERS  uvicorn worker processes (default 1)
    ARCHIVE_SEARCH_DB       database URL for accounts and the access log
                            (default: sqlite file archive-search.db beside the index directory)
    ARCHIVE_SEARCH_SECRET   the service secret (>= 16 characters) keying the access log's hash
                            chain; required unless ARCHIVE_SEARCH_DEMO=1
    ARCHIVE_SEARCH_DEMO     1 for the demo: a fixed, publicly known secret is accepted
    ARCHIVE_SEARCH_ENGINE   the search engine holding the index: whoosh (default), tantivy
                            (embedded, for large archives) or manticore
    ARCHIVE_SEARCH_UNITS    the unit tree (units.csv; default: units.csv in the archive root)
    ARCHIVE_SEARCH_SESSION_IDLE_MINUTES   sign out after this long without use (default 30)
    ARCHIVE_SEARCH_MANTICORE_NODES  the searchd nodes of the manticore engine, one entry per
                            shard separated by commas, mirrors of a shard by |, each node
                            host:port (SphinxQL) or host:port:api_port (agents; default port+1):
                            127.0.0.1:9306,127.0.0.1:9308 or a:9306|b:9306,c:9306|d:9306
    ARCHIVE_SEARCH_ALERT_CUSTOMERS        alert when a user reads more customers an hour (30)
    ARCHIVE_SEARCH_NUMBER_LOOKUPS         searches by a complete personal number a masked
                                          role may make per hour (20; docs/security.md)
    ARCHIVE_SEARCH_SECURE_COOKIES         1 to mark cookies Secure even without HTTPS seen
    ARCHIVE_SEARCH_LOGIN_LOCK_AFTER       failed sign-ins in a row that lock an account (5)
    ARCHIVE_SEARCH_LOGIN_LOCK_MINUTES     how long it stays locked; also the window of the
                                          per-address limit (15)
    ARCHIVE_SEARCH_LOGIN_ADDRESS_LIMIT    failed sign-ins from one client address within that
                                          window before it gets 429 (20)
    ARCHIVE_SEARCH_MAX_BODY_KB            largest request body accepted (64 KiB)
    ARCHIVE_SEARCH_MAX_QUERY_CHARS        longest query string accepted, URL-encoded (16384)
    ARCHIVE_SEARCH_TIME_ZONE              the zone of "today" for time words in queries
                                          (去年, 上个月; default Asia/Shanghai)
    ARCHIVE_SEARCH_TRUSTED_PROXIES        reverse proxies whose X-Forwarded-For is believed,
                                          addresses or networks separated by commas
                                          (default: none; docs/security.md)

There is no module-level settings object: ``create_app(settings)`` receives one, so tests
and several workers each build theirs.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from indexer.customers import UNITS_FILENAME
from indexer.errors import InputError
from indexer.store import read_meta
from search_service.db import default_url
from search_service.engines.manticore.nodes import Topology

ENV_PREFIX = "ARCHIVE_SEARCH_"
DEMO_SECRET = "demo-only-secret-never-use-in-production"
KNOWN_DEFAULTS = frozenset({DEMO_SECRET, "changeme", "change-me", "secret", "default"})


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(text: str) -> tuple[Network, ...]:
    """``10.0.0.5, 10.1.0.0/16``: addresses or networks; ValueError names a bad entry."""
    networks = []
    for entry in (e.strip() for e in text.split(",")):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError as exc:
                raise ValueError(entry) from exc
    return tuple(networks)


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path("data/index")
    archive_root: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    database_url: str = ""
    secret_key: str = ""
    demo: bool = False
    units_file: Path | None = None
    session_idle_minutes: int = 30
    manticore_nodes: str = ""
    alert_customers: int = 30
    number_lookups: int = 20
    secure_cookies: bool = False
    search_engine: str = "whoosh"
    login_lock_after: int = 5
    login_lock_minutes: int = 15
    login_address_limit: int = 20
    max_body_kb: int = 64
    max_query_chars: int = 16384
    time_zone: str = "Asia/Shanghai"
    trusted_proxies: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Settings from ``ARCHIVE_SEARCH_*`` variables; non-None ``overrides`` win (CLI flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, variable, convert in _ENV_FIELDS:
            raw = env.get(ENV_PREFIX + variable, "").strip()
            if raw:
                values[name] = _convert(variable, raw, convert)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        if not 0 < self.port < 65536:
            raise InputError(f"端口 {self.port} 无效，应在 1 到 65535 之间")
        if self.workers < 1:
            raise InputError(f"进程数 {self.workers} 无效，应为正整数")
        if self.session_idle_minutes < 1 or self.alert_customers < 1:
            raise InputError("会话空闲时限和告警阈值须为正整数")
        if self.number_lookups < 1:
            raise InputError(f"{ENV_PREFIX}NUMBER_LOOKUPS（每小时按个人号码检索的次数上限）须为正整数")
        if self.manticore_nodes:
            Topology.parse(self.manticore_nodes)  # names a malformed node
        if min(self.login_lock_after, self.login_lock_minutes, self.login_address_limit,
               self.max_body_kb, self.max_query_chars) < 1:
            raise InputError("登录限制和请求大小上限须为正整数")
        try:
            ZoneInfo(self.time_zone)
        except (ValueError, ZoneInfoNotFoundError):
            raise InputError(f"时区“{self.time_zone}”无效，应为如 Asia/Shanghai 的时区名") from None
        try:
            parse_proxies(self.trusted_proxies)
        except ValueError as exc:
            raise InputError(f"{ENV_PREFIX}TRUSTED_PROXIES 中的“{exc}”不是有效的地址或网段"
                             "（例：10.0.0.5,10.1.0.0/16）") from exc

    def db_url(self) -> str:
        """The configured database URL, else a SQLite file beside the index directory."""
        if self.database_url:
            return self.database_url
        return default_url(self.index_dir)

    def audit_key(self) -> bytes:
        """The secret keying the access log; refused if missing or a default outside demo."""
        if self.demo and not self.secret_key:
            return DEMO_SECRET.encode()
        if self.demo:
            return self.secret_key.encode()
        if not self.secret_key or self.secret_key in KNOWN_DEFAULTS:
            raise InputError(f"未设置服务密钥：请将环境变量 {ENV_PREFIX}SECRET 设为至少 16 个字符的随机串"
                             f"（演示环境可设 {ENV_PREFIX}DEMO=1）")
        if len(self.secret_key) < 16:
            raise InputError(f"服务密钥 {ENV_PREFIX}SECRET 太短：至少需要 16 个字符")
        return self.secret_key.encode()

    def resolved_units(self) -> Path | None:
        """The unit tree file: as configured, else units.csv in the archive root."""
        if self.units_file is not None:
            return self.units_file
        root = self.resolved_root()
        return root / UNITS_FILENAME if root is not None else None

    def resolved_root(self) -> Path | None:
        """The archive root: as configured, else the one the last indexing run recorded."""
        if self.archive_root is not None:
            return self.archive_root
        recorded = read_meta(self.index_dir).get("root")
        return Path(str(recorded)) if recorded else None

    def with_changes(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables (for uvicorn worker processes)."""
        env = {}
        for name, variable, _ in _ENV_FIELDS:
            value = getattr(self, name)
            if value is not None:
                env[ENV_PREFIX + variable] = str(value)
        return env


_ENV_FIELDS = (  # (field, variable suffix, converter)
    ("index_dir", "INDEX", Path),
    ("archive_root", "ROOT", Path),
    ("host", "HOST", str),
    ("port", "PORT", int),
    ("workers", "WORKERS", int),
    ("database_url", "DB", str),
    ("secret_key", "SECRET", str),
    ("demo", "DEMO", lambda raw: _flag(raw)),
    ("units_file", "UNITS", Path),
    ("session_idle_minutes", "SESSION_IDLE_MINUTES", int),
    ("manticore_nodes", "MANTICORE_NODES", str),
    ("alert_customers", "ALERT_CUSTOMERS", int),
    ("number_lookups", "NUMBER_LOOKUPS", int),
    ("secure_cookies", "SECURE_COOKIES", lambda raw: _flag(raw)),
    ("search_engine", "ENGINE", str),
    ("login_lock_after", "LOGIN_LOCK_AFTER", int),
    ("login_lock_minutes", "LOGIN_LOCK_MINUTES", int),
    ("login_address_limit", "LOGIN_ADDRESS_LIMIT", int),
    ("max_body_kb", "MAX_BODY_KB", int),
    ("max_query_chars", "MAX_QUERY_CHARS", int),
    ("time_zone", "TIME_ZONE", str),
    ("trusted_proxies", "TRUSTED_PROXIES", str),
)
assert {f.name for f in fields(Settings)} == {name for name, _, _ in _ENV_FIELDS}


def _convert(variable: str, raw: str, convert: Any) -> Any:
    try:
        return convert(raw)
    except ValueError as exc:
        raise InputError(f"环境变量 {ENV_PREFIX}{variable} 的值“{raw}”无效") from exc


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)
