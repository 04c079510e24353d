"""Access control of one service instance: accounts, the access log, the unit tree.

Built once from :class:`~search_service.config.Settings` by the web app and by the CLI; the
readers (``reads.py``), the routes and the administrator's commands all go through it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from indexer.catalog.store import Catalog
from indexer.errors import InputError
from search_service.access.accounts import Accounts
from search_service.access.alerts import AlertRules
from search_service.access.audit import AuditLog
from search_service.access.policy import Units, load_units
from search_service.config import Settings
from search_service.db import utcnow
from search_service.migrate import make_engine


class Access:
    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utcnow,
                 check_key: bool = True) -> None:
        self.settings = settings
        self.engine = make_engine(settings.db_url())
        self.catalog = Catalog(self.engine)
        self.audit = AuditLog(self.engine, settings.audit_key(), clock=clock)
        if check_key and not self.audit.key_matches():
            raise InputError("服务密钥与访问日志不符（最后一条记录无法用此密钥验证）：可能是 "
                             "ARCHIVE_SEARCH_SECRET 设置错误，或日志已被篡改。请核对密钥并运行 "
                             "archive-search audit verify")
        self.accounts = Accounts(self.engine, self.audit, clock=clock,
                                 idle=timedelta(minutes=settings.session_idle_minutes),
                                 lock_after=settings.login_lock_after,
                                 lock_for=timedelta(minutes=settings.login_lock_minutes),
                                 address_limit=settings.login_address_limit)
        self.alert_rules = AlertRules(max_customers_per_hour=settings.alert_customers)
        self._units: tuple[tuple, Units] | None = None
        self._lock = threading.Lock()

    def units(self) -> Units:
        """The unit tree: the configured file, else the default tree over the catalog's units."""
        path = self.settings.resolved_units()
        mtime = path.stat().st_mtime_ns if path is not None and path.is_file() else None
        key = (str(path), mtime, None if mtime else self.catalog.last_batch())
        with self._lock:
            if self._units is None or self._units[0] != key:
                stations = self.catalog.units() if mtime is None else []
                self._units = (key, load_units(path if mtime else None, stations))
            return self._units[1]
