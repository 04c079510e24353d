"""``GET /api/search``: faceted full-text search; ``GET /api/suggest``: suggestions as you type."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from search_service.api.deps import CurrentUser, Reader
from search_service.api.models import SearchResponse, SuggestResponse
from search_service.api.params import SearchQuery

router = APIRouter()


@router.get("/api/search", response_model=SearchResponse, summary="检索档案")
def search(params: SearchQuery, user: CurrentUser, reader: Reader) -> dict:
    return reader.search(user, params).to_dict()


@router.get("/api/suggest", response_model=SuggestResponse, summary="输入提示")
def suggest(q: Annotated[str, Query(max_length=100, description="已输入的文字")],
            user: CurrentUser, reader: Reader) -> dict:
    return reader.suggest(user, q)
