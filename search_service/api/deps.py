"""Dependencies every route declares, as type aliases visible in route signatures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from search_service.reads import ArchiveReader
from search_service.users import ANONYMOUS, User


def current_user(request: Request) -> User:
    """The user making the request (anonymous with full access until accounts exist)."""
    return ANONYMOUS


def archive_reader(request: Request) -> ArchiveReader:
    return request.app.state.reader


CurrentUser = Annotated[User, Depends(current_user)]
Reader = Annotated[ArchiveReader, Depends(archive_reader)]
