"""Errors of the search service, extending the indexer's hierarchy with HTTP statuses.

    ArchiveSearchError (indexer.errors)
    └── ServiceError              status 500 unless a subclass says otherwise
        ├── QueryError            400: a query or parameter that cannot be used
        │   └── AccountError      400: a bad user name, role, unit or password
        ├── AuthError             401: not signed in, or the session/token is no longer valid
        │   └── LoginError        401: wrong user name or password
        │       ├── AccountLockedError  423: too many failed sign-ins, locked for a while
        │       └── TooManyAttemptsError 429: too many failed sign-ins from one address
        ├── TooManyLookupsError   429: the hour's personal-number lookups are used up
        ├── ForbiddenError        403: the role may not do this
        │   └── CsrfError         403: a state-changing request without the session's token
        ├── NotFoundError         404: no such document or customer (or not yours to see)
        └── UnavailableError      503: no index yet, or the log cannot be written
            ├── AuditWriteError   503: the access log cannot be written; nothing was served
            └── IndexMismatchError 503: the index was built from another catalog (database)

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


class AccountError(QueryError):
    code = "bad_account"


class AuthError(ServiceError):
    code = "unauthenticated"
    status = 401


class LoginError(AuthError):
    code = "login_failed"


class AccountLockedError(LoginError):
    code = "account_locked"
    status = 423


class RetryLater:
    """Mixed into a 429 error: how long to wait, sent as ``Retry-After``."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)  # type: ignore[call-arg]
        self.retry_after = retry_after  # seconds


class TooManyAttemptsError(RetryLater, LoginError):
    code = "too_many_attempts"
    status = 429


class TooManyLookupsError(RetryLater, ServiceError):
    code = "too_many_lookups"
    status = 429


class ForbiddenError(ServiceError):
    code = "forbidden"
    status = 403


class CsrfError(ForbiddenError):
    code = "csrf_failed"


class NotFoundError(ServiceError):
    code = "not_found"
    status = 404


class UnavailableError(ServiceError):
    code = "unavailable"
    status = 503


class AuditWriteError(UnavailableError):
    code = "audit_unavailable"


class IndexMismatchError(UnavailableError):
    code = "index_mismatch"
