"""``GET /api/health``: liveness and index facts."""

from __future__ import annotations

from fastapi import APIRouter

from search_service.api.deps import Reader
from search_service.api.models import Health

router = APIRouter()


@router.get("/api/health", response_model=Health, summary="服务状态与索引概况")
def health(reader: Reader) -> dict:
    """Open to monitors without signing in: index facts only, no archive content."""
    return reader.health()
