"""The document catalog: the database record of every document and customer.

- ``tables``: the catalog's tables (documents, customers), on the service database;
- ``store``: :class:`~indexer.catalog.store.Catalog`, reading and writing them;
- ``listing``: the archive's own ``catalog.csv`` (档案目录), per-file facts that override
  inference.

The indexer writes the catalog in the same run that extracts the files; search engines hold
projections of it and are rebuilt from it (``archive-search reindex``).
"""
