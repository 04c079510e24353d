"""The OCR lines of scanned pages, kept by file content and page.

The indexer recognises every scanned page once; the lines it found (each line's box and
text) are kept here, so a masked viewer blacks out numbers from them instead of running OCR
on the page again (issue 21: the first masked page within 1 s). A page the indexer did not
recognise (older catalogs, pages the viewer reads as scans) is recognised once by the first
viewer and kept the same way. Boxes are in pixels of the image they were found on, whose
size is kept with them: a viewer drawing the page at another size scales them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, select
from sqlalchemy.exc import IntegrityError

from indexer.catalog.tables import page_lines
from indexer.ocr import Line


@dataclass(frozen=True)
class PageLines:
    """One page's recognised lines and the size of the image they were found on."""

    page: int  # from 0
    width: int
    height: int
    lines: tuple[Line, ...]

    @classmethod
    def of(cls, found: Sequence[Any]) -> PageLines:
        """From the indexer's plain ``(page, width, height, ((box, text), ...))``, as it
        comes from a worker or from the OCR cache's JSON (lists for tuples)."""
        page, width, height, lines = found
        return cls(int(page), int(width), int(height), _lines(lines))

    def scaled(self, width: int, height: int) -> tuple[Line, ...]:
        """The lines' boxes in pixels of the same page drawn ``width`` x ``height``."""
        sx, sy = width / max(self.width, 1), height / max(self.height, 1)
        return tuple(((left * sx, top * sy, right * sx, bottom * sy), text)
                     for (left, top, right, bottom), text in self.lines)


class LineStore:
    """The ``page_lines`` table on the service database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, sha256: str, page: int) -> PageLines | None:
        cols = page_lines.c
        query = select(cols.width, cols.height, cols.lines).where(
            and_(cols.sha256 == sha256, cols.page == page))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        lines = tuple((tuple(line[:4]), line[4]) for line in json.loads(row.lines))
        return PageLines(page, row.width, row.height, _lines(lines))

    def put(self, sha256: str, pages: Iterable[PageLines]) -> None:
        """Keep the pages of one file's content; pages already kept are left as they are
        (the same content gives the same lines, and another process may have just written
        them)."""
        rows = [{"sha256": sha256, "page": p.page, "width": p.width, "height": p.height,
                 "lines": json.dumps([[*box, text] for box, text in p.lines],
                                     ensure_ascii=False)} for p in pages]
        if not rows:
            return
        try:
            with self.engine.begin() as conn:
                kept = set(conn.execute(select(page_lines.c.page).where(
                    page_lines.c.sha256 == sha256)).scalars())
                new = [row for row in rows if row["page"] not in kept]
                if new:
                    conn.execute(page_lines.insert(), new)
        except IntegrityError:  # another writer kept them in between: theirs stand
            pass


def _lines(lines: Iterable[Sequence[Any]]) -> tuple[Line, ...]:
    return tuple(((float(box[0]), float(box[1]), float(box[2]), float(box[3])), str(text))
                 for box, text in lines)
