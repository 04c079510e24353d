"""Oversight of the archive (档案管理): what is missing, late or overdue, and how units do.

- ``rules``: the archive's rules file (what each customer must have, deadlines), validated;
- ``sql``: the SQL pieces shared by every figure (scope, dates), portable across databases;
- ``completeness``: per customer, the required document types and those missing;
- ``followup``: the work lists (跟踪督办): overdue hazards, contracts, inspections, late filings;
- ``assessment``: per-unit figures (考核) for a period, with their formulas, and a monthly trend;
- ``spotcheck``: spot checks (抽查): a reproducible sample, its checklist, its PDF report;
- ``charts``: server-rendered SVG bar and line charts;
- ``export``: Excel workbooks of lists and assessments;
- ``service``: :class:`~search_service.reading.oversight.Oversight`, every read for a user
  (scope, masking, one access-log record each), used by the routes, pages and the CLI.

Everything is computed in SQL over the catalog (``indexer.catalog.tables``), never from the
search index.
"""
