"""Customer master data, loaded once and reloaded when the customers file changes."""

from __future__ import annotations

import threading
from pathlib import Path

from indexer.customers import Customer, find_customers_file, load_customers
from indexer.errors import InputError
from search_service.errors import UnavailableError

_Stamp = tuple[str, int, int]  # (path, size, mtime_ns)


class CustomerCache:
    def __init__(self) -> None:
        self._stamp: _Stamp | None = None
        self._customers: dict[str, Customer] = {}
        self._lock = threading.Lock()

    def get(self, root: Path | None) -> dict[str, Customer]:
        """Customers by 户号 from ``root``'s customers file (none without a root or file)."""
        path = find_customers_file(root) if root is not None else None
        stamp = _stamp(path)
        with self._lock:
            if stamp != self._stamp:
                self._customers = _load(root) if path is not None else {}
                self._stamp = stamp
            return self._customers


def _stamp(path: Path | None) -> _Stamp | None:
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path), stat.st_size, stat.st_mtime_ns)


def _load(root: Path) -> dict[str, Customer]:
    try:
        return load_customers(root)
    except InputError as exc:
        raise UnavailableError(f"客户资料无法读取：{exc.message}") from exc
