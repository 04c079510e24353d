"""Rendered pages kept per process: the next view of a page, by anyone, skips pdfium and OCR.

A page is kept by file version (path, modification time, size), page and whether its
character boxes were found by OCR, for the last :data:`CACHE_BYTES` of page images. Viewers
asking for a page that is being rendered wait for that one rendering instead of starting
their own (50 viewers of one page cost one render). :func:`warm` renders a page ahead on one
background thread, so a document's first page is ready when its viewer asks for it.
Rendering is bounded per process: pdfium runs one call at a time (``render.pdfium_lock``)
and at most :data:`RENDER_SLOTS` pages are drawn or recognised at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from indexer.catalog.page_lines import LineStore
from search_service.viewer.render import Page, render_page

CACHE_BYTES = 96 * 1024 * 1024  # about 14 text PDF pages at 150 dpi (6.5 MB each)
RENDER_SLOTS = 2  # pages drawn at once per process (a worker per core: more only thrash)

Key = tuple[str, int, int, int, bool]

_pages: OrderedDict[Key, Page] = OrderedDict()
_sizes: dict[Key, int] = {}
_pending: dict[Key, Future[Page]] = {}
_lock = threading.Lock()
_slots = threading.BoundedSemaphore(RENDER_SLOTS)
_ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-ahead")


def cached_page(path: Path, file_type: str, index: int, ocr: bool = False,
                store: LineStore | None = None) -> Page:
    """Page ``index`` of the file as :func:`render.render_page` gives it (a scan's lines
    from ``store`` when kept there), from the cache when this version of the page was
    rendered before; a copy the caller may draw on."""
    return _copy(_shared(path, file_type, index, ocr, store))


def warm(path: Path, file_type: str, index: int, ocr: bool,
         store: LineStore | None = None) -> None:
    """Render a page in the background (nothing happens if it is cached or on its way)."""
    key = _key(path, index, ocr)
    if key is None:
        return
    with _lock:
        if key in _pages or key in _pending:
            return
    _ahead.submit(_quiet_call, _shared, path, file_type, index, ocr, store)


def warm_engine() -> None:
    """Load the OCR models in the background (about 1 s), so a masked scan's first view
    does not wait for them."""
    from indexer.ocr import engine

    _ahead.submit(_quiet_call, engine)


def clear() -> None:
    """Forget every kept page (tests and benchmarks measure first views with it)."""
    with _lock:
        _pages.clear()
        _sizes.clear()


def _shared(path: Path, file_type: str, index: int, ocr: bool,
            store: LineStore | None = None) -> Page:
    key = _key(path, index, ocr)
    if key is None:  # a vanished file: render_page raises the error the caller reports
        return _render(path, file_type, index, ocr, store)
    with _lock:
        if key in _pages:
            _pages.move_to_end(key)
            return _pages[key]
        future = _pending.get(key)
        owner = future is None
        if owner:
            future = _pending[key] = Future()
    if not owner:
        return future.result()
    try:
        page = _render(path, file_type, index, ocr, store)
    except BaseException as exc:
        with _lock:
            del _pending[key]
        future.set_exception(exc)
        raise
    with _lock:
        del _pending[key]
        _keep(key, page)
    future.set_result(page)
    return page


def _render(path: Path, file_type: str, index: int, ocr: bool,
            store: LineStore | None) -> Page:
    with _slots:
        return render_page(path, file_type, index, ocr, store)


def _keep(key: Key, page: Page) -> None:
    size = page.image.width * page.image.height * len(page.image.getbands())
    if size > CACHE_BYTES:
        return
    _pages[key], _sizes[key] = page, size
    while sum(_sizes.values()) > CACHE_BYTES:
        old, _ = _pages.popitem(last=False)
        del _sizes[old]


def _key(path: Path, index: int, ocr: bool) -> Key | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path), stat.st_mtime_ns, stat.st_size, index, ocr)


def _copy(page: Page) -> Page:
    return Page(page.image.copy(), page.text, list(page.boxes), page.source)


def _quiet_call(action: Callable[..., object], *args: object) -> None:
    try:
        action(*args)
    except Exception:  # noqa: BLE001 - the viewer's own request reports a page that fails
        pass
