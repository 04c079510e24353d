"""The personal-number lookup rule: search must not be an oracle for masked numbers.

A role that sees 身份证, mobile and bank numbers masked may still find a customer by the
complete number the customer shows at the counter, but not guess: every search whose query
holds a complete personal number (:func:`search_service.access.masking.personal_numbers`) is a
*lookup*, recorded as ``number_lookup`` (not ``search``), and at most
``ARCHIVE_SEARCH_NUMBER_LOOKUPS`` (20) are answered per user in any hour; beyond that they
are refused (429) and recorded as refused, which the auditor sees as an alert. Fragments and
prefixes of numbers match nothing: the engines index each number as one token
(:mod:`search_service.engines.projection`). Details: ``docs/security.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from search_service.access.audit import ALLOWED, DENIED, AuditLog, Event
from search_service.access.masking import mask_text
from search_service.db import serialized
from search_service.errors import TooManyLookupsError

LOOKUP = "number_lookup"
WINDOW = timedelta(hours=1)
T = TypeVar("T")


class NumberLookups:
    """Counts, limits and records the personal-number lookups of each user."""

    def __init__(self, audit: AuditLog, per_hour: int) -> None:
        self.audit = audit
        self.per_hour = per_hour

    def run(self, user: Any, numbers: list[str], search: Callable[[], T],
            details: Callable[[T], dict[str, Any]], **target: str) -> T:
        """``search()`` as one lookup of ``numbers`` by ``user``, recorded with ``details``
        of its result; refused with :class:`TooManyLookupsError` beyond the hourly limit.

        Counting, searching and recording happen in one transaction holding the access
        log's lock, so concurrent lookups (threads or processes) cannot overrun the limit.
        """
        shown = [mask_text(n) for n in numbers]
        with serialized(self.audit.engine) as conn:
            used = self.audit.count_recent(conn, user.name, LOOKUP, ALLOWED,
                                           self.audit.clock() - WINDOW)
            if used < self.per_hour:
                found = search()
                self.audit.append(Event.by(user, LOOKUP, **target, details={
                    **details(found), "numbers": shown, "lookup": used + 1,
                    "limit": self.per_hour}), conn)
                return found
            self.audit.append(Event.by(user, LOOKUP, outcome=DENIED, reason="lookup_limit",
                                       **target, details={"numbers": shown,
                                                          "limit": self.per_hour}), conn)
        raise TooManyLookupsError(
            f"您在一小时内按完整证件号码、手机号码或银行账号检索已达 {self.per_hour} 次上限，"
            "请稍后再试；如确有业务需要，请联系档案管理员", retry_after=int(WINDOW.total_seconds()))
