"""Alembic environment: migrations run on the connection :func:`search_service.migrate.upgrade`
hands over (already inside a locked transaction), else on ``sqlalchemy.url``."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from search_service.db import Base, UTCDateTime
from search_service.migrate import load_models

load_models()


def render_item(kind: str, item: Any, autogen: Any) -> str | bool:
    """Autogenerate writes our UTC column type by its short name."""
    if kind == "type" and isinstance(item, UTCDateTime):
        autogen.imports.add("from search_service.db import UTCDateTime")
        return "UTCDateTime()"
    return False


def run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
                      render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        run(connection)
        connection.commit()
