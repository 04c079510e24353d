"""What every procedure of the archive room works with: the database, the log, a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from search_service.audit import AuditLog
from search_service.db import utcnow


class Procedure:
    def __init__(self, engine: Engine, audit: AuditLog,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock
