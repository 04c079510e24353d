"""Reading: the gateways every read of the archive goes through.

:class:`.reader.ArchiveReader` (search, customers, documents and their pages) and
:class:`.oversight.Oversight` (completeness, follow-up, assessment, spot checks) each take
the user, apply the scope, mask, and write exactly one access-log record per read.
"""
