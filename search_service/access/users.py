"""Who is asking: the user every read is made for (signed in by :mod:`.accounts`, scoped by
:mod:`.policy`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class User:
    name: str
    role: str
    org: str = ""  # the user's unit (供电单位); empty means the whole company
    token_id: int | None = None  # the bearer token the request came with, if any
    issued_by: str = ""  # who created that token when it was not its owner (the CLI operator)
    # The loan grants' counter (search_service.access.cache_versions) read with the user's row at
    # this request's sign-in check, so the grants need no query of their own; None: not read.
    grants_version: int | None = field(default=None, compare=False, repr=False)

