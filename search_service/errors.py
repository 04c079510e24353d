"""Errors of the search service, extending the indexer's hierarchy with HTTP statuses.

    ArchiveSearchError (indexer.errors)
    └── ServiceError            status 500 unless a subclass says otherwise
        ├── QueryError          400: a query or parameter that cannot be used
        ├── NotFoundError       404: no such document or customer (or not yours to see)
        └── UnavailableError    503: no index yet, or the log cannot be written

Every error leaves the API as ``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

from indexer.errors import ArchiveSearchError


class ServiceError(ArchiveSearchError):
    code = "service_error"
    status = 500


class QueryError(ServiceError):
    code = "bad_query"
    status = 400


class NotFoundError(ServiceError):
    code = "not_found"
    status = 404


class UnavailableError(ServiceError):
    code = "unavailable"
    status = 503
