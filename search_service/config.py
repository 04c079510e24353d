"""Service settings: environment variables, overridden by command-line flags.

    ARCHIVE_SEARCH_INDEX    index directory (default data/index)
    ARCHIVE_SEARCH_ROOT     archive root; default: the root recorded by the last indexing run
    ARCHIVE_SEARCH_HOST     address to listen on (default 127.0.0.1)
    ARCHIVE_SEARCH_PORT     port (default 8000)
    ARCHIVE_SEARCH_WORKERS  uvicorn worker processes (default 1)

There is no module-level settings object: ``create_app(settings)`` receives one, so tests
and several workers each build theirs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from indexer.errors import InputError
from indexer.store import read_meta

ENV_PREFIX = "ARCHIVE_SEARCH_"


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path("data/index")
    archive_root: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1

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
)
assert {f.name for f in fields(Settings)} == {name for name, _, _ in _ENV_FIELDS}


def _convert(variable: str, raw: str, convert: Any) -> Any:
    try:
        return convert(raw)
    except ValueError as exc:
        raise InputError(f"环境变量 {ENV_PREFIX}{variable} 的值“{raw}”无效") from exc
