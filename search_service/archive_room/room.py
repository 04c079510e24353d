"""The archive room of one service instance: its procedures over one database and one log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from search_service.access.audit import AuditLog
from search_service.archive_room.handover import Handovers
from search_service.archive_room.lending import Lending
from search_service.archive_room.paper import PaperFiles
from search_service.archive_room.retention import Retention
from search_service.db import utcnow


class ArchiveRoom:
    """Lending, handover, paper files and retention, sharing one clock (tests move it)."""

    def __init__(self, engine: Engine, audit: AuditLog,
                 clock: Callable[[], datetime] = utcnow,
                 root: Callable[[], Path | None] = lambda: None) -> None:
        self.clock = clock
        self.lending = Lending(engine, audit, self.now)
        self.paper = PaperFiles(engine, audit, self.now)
        self.paper.root = root  # catalog.csv's paper locations are read from there
        self.handover = Handovers(engine, audit, self.now)
        self.handover.root = root  # rules.csv's required types are read from there
        self.retention = Retention(engine, audit, self.now)

    def now(self) -> datetime:
        return self.clock()
