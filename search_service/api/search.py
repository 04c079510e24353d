"""``GET /api/search``: faceted full-text search; ``GET /api/suggest``: suggestions as you type.

Both routes are ``async`` and hand all their blocking work (the signed-in user's lookup,
engine, catalog, access log) to one worker thread: as a ``def`` dependency the user's lookup
would be a hop of its own, and a plain ``def`` route would also have its answer validated in
the thread pool (short CPU work): hops that buy nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from search_service.api.deps import Credentials, Reader, current_user
from search_service.api.models import SearchResponse, SuggestResponse
from search_service.api.params import SEARCH_PARAMETERS, SearchQuery
from search_service.reading.search import SearchResult

router = APIRouter()


@router.get("/api/search", response_model=SearchResponse, summary="检索档案",
            openapi_extra={"parameters": SEARCH_PARAMETERS})
async def search(params: SearchQuery, request: Credentials, reader: Reader,
                 response: Response) -> dict:
    result = await run_in_threadpool(lambda: reader.search(current_user(request), params))
    response.headers["Server-Timing"] = server_timing(result)
    return result.to_dict()


def server_timing(result: SearchResult) -> str:
    """The search's time and the engine's share of it (``Server-Timing``: what a browser's
    developer tools and the request-cost benchmark read; ``took_ms`` is in the body too)."""
    return f"search;dur={result.took_ms}, engine;dur={result.engine_ms}"


@router.get("/api/suggest", response_model=SuggestResponse, summary="输入提示")
async def suggest(q: Annotated[str, Query(max_length=100, description="已输入的文字")],
                  request: Credentials, reader: Reader) -> dict:
    return await run_in_threadpool(lambda: reader.suggest(current_user(request), q))
