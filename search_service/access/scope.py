"""A user's scope as data: what the policy decides a user may read, and what every engine
applies inside its own query (:class:`search_service.engines.base.SearchRequest`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """What a user may read: documents of ``units`` (None: every unit), plus what a grant
    (an approved loan) names by customer or document. An empty scope reads nothing."""

    units: tuple[str, ...] | None = None
    accounts: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    @property
    def unlimited(self) -> bool:
        return self.units is None

    @classmethod
    def nothing(cls) -> "Scope":
        return cls(units=())
