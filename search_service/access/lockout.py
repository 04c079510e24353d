"""Sign-in lockout for names without an account, so that a locked-out answer does not tell
that a user name exists.

A real account locks after :attr:`Accounts.lock_after` failed sign-ins in a row and answers
423 while locked; a name nobody holds must answer the same way after the same failures. Its
failures are the access log's ``login_failed`` records for that name (the log is shared by
all workers), replayed over the last :data:`HISTORY`: a failure while locked does not count,
and a lock starts at the failure that reaches the limit, as for a real account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from search_service.access.audit import iso, parse_iso, records

HISTORY = timedelta(days=1)  # a real account's count has no window; a day covers guessing
UNKNOWN_USER = "unknown_user"


@dataclass(frozen=True)
class Lockout:
    failures: int  # failures in a row since the last lock ended
    locked_until: datetime | None


def unknown_name_lockout(conn: Connection, name: str, now: datetime, lock_after: int,
                         lock_for: timedelta) -> Lockout:
    """The lock state a real account would be in after this name's failed sign-ins."""
    failures, until = 0, None
    for (at,) in conn.execute(
            select(records.c.at).where(records.c.action == "login_failed",
                                       records.c.user == name,
                                       records.c.reason == UNKNOWN_USER,
                                       records.c.at >= iso(now - HISTORY))
            .order_by(records.c.seq)):
        moment = parse_iso(at)
        if until is not None and moment < until:
            continue
        failures += 1
        if failures >= lock_after:
            failures, until = 0, moment + lock_for
    return Lockout(failures, until if until is not None and until > now else None)
