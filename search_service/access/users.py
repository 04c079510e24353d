"""Who is asking: the user every read is made for.

Authentication, roles and unit scopes arrive with the access-control work; until then every
request is made by an anonymous user who may read everything.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    name: str
    role: str
    org: str = ""  # the user's unit (供电单位); empty means the whole company
    token_id: int | None = None  # the bearer token the request came with, if any
    issued_by: str = ""  # who created that token when it was not its owner (the CLI operator)


ANONYMOUS = User(name="anonymous", role="admin")
