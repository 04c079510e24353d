"""What every procedure of the archive room works with: the database, the log, a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from search_service.access.audit import AuditLog
from search_service.db import utcnow


class Procedure:
    """A procedure of the archive room; ``on_catalog_changed`` runs after it changed catalog
    records (the service brings its search engine up to date there)."""

    on_catalog_changed: Callable[[], None] = staticmethod(lambda: None)

    def __init__(self, engine: Engine, audit: AuditLog,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock
