"""Alembic migrations of the service database: one directory, ``target_metadata =
Base.metadata``. Add a table: define it on ``Base.metadata``, list its module in
``search_service.db.MODEL_MODULES``, then ``python -m search_service.migrate revision -m "..."``
(autogenerates the migration against a database at head; read and tidy what it wrote)."""
