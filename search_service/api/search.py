"""``GET /api/search``: faceted full-text search."""

from __future__ import annotations

from fastapi import APIRouter

from search_service.api.deps import CurrentUser, Reader
from search_service.api.models import SearchResponse
from search_service.api.params import SearchQuery

router = APIRouter()


@router.get("/api/search", response_model=SearchResponse, summary="检索档案")
def search(params: SearchQuery, user: CurrentUser, reader: Reader) -> dict:
    return reader.search(user, params).to_dict()
