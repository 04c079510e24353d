"""The builds of an embedded engine (Whoosh, tantivy) under its home directory.

``current.json`` names the build directory searches read, the last catalog batch it holds
and when it was committed. A rebuild writes a new build directory and swaps it in by
replacing ``current.json`` atomically, so searches never see a half-built index; the old
builds are removed after the swap.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

STATE_FILE = "current.json"


class Builds:
    """The state file and build directories under ``home``."""

    def __init__(self, home: Path) -> None:
        self.home = home

    @property
    def state_file(self) -> Path:
        return self.home / STATE_FILE

    def state(self) -> dict[str, Any]:
        try:
            return json.loads(self.state_file.read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def current(self) -> Path:
        """The directory of the build searches read."""
        return self.home / str(self.state().get("build", ""))

    def applied_batch(self) -> int:
        return int(self.state().get("applied_batch", 0))

    def last_commit(self) -> float | None:
        stamp = self.state().get("committed_at")
        return float(stamp) if isinstance(stamp, (int, float)) else None

    def new(self) -> tuple[str, Path]:
        """A new, empty build directory (its name and path)."""
        self.home.mkdir(parents=True, exist_ok=True)
        name = f"build-{time.time_ns()}"
        (self.home / name).mkdir()
        return name, self.home / name

    def committed(self, building: str | None, batch: int | None) -> None:
        """Record a commit of ``building`` (a new build, swapped in and the others removed)
        or, when None, of the current build; ``batch`` None keeps the batch it had."""
        state = self.state()
        applied = int(state.get("applied_batch", 0)) if building is None else 0
        name = building if building is not None else str(state["build"])
        tmp = self.home / f".{STATE_FILE}.tmp"
        tmp.write_text(json.dumps({"build": name,
                                   "applied_batch": applied if batch is None else batch,
                                   "committed_at": time.time()}), "utf-8")
        os.replace(tmp, self.state_file)
        if building is not None:
            for path in self.home.glob("build-*"):
                if path.name != building:
                    shutil.rmtree(path, ignore_errors=True)


class BuildWriter:
    """The writing half shared by the embedded engines: one writer at a time, into the
    current build or a new one (a rebuild, or a missing or broken index), each commit
    recorded in :class:`Builds`. An engine supplies how to open, make, cancel and commit."""

    builds: Builds
    _writer: Any
    _building: tuple[str, Any] | None

    def _readable(self) -> bool:
        """Whether the current build opens and reads."""
        raise NotImplementedError

    def _index(self) -> Any:
        """The current build, open."""
        raise NotImplementedError

    def _new_index(self, path: Path) -> Any:
        """An empty index of the engine's schema in ``path``."""
        raise NotImplementedError

    def _open_writer(self, ix: Any) -> Any:
        raise NotImplementedError

    def _cancel_writer(self, writer: Any) -> None:
        raise NotImplementedError

    def _commit_writer(self, writer: Any) -> None:
        raise NotImplementedError

    def applied_batch(self) -> int:
        if self._building is not None:
            return 0
        return self.builds.applied_batch() if self._readable() else 0

    def last_commit(self) -> float | None:
        return self.builds.last_commit()

    def _writing(self) -> Any:
        if self._writer is None:
            if self._building is not None:
                ix = self._building[1]
            elif self._readable():
                ix = self._index()
            else:
                self.clear()  # missing or broken: rebuilt from the catalog
                return self._writing()
            self._writer = self._open_writer(ix)
        return self._writer

    def _discard_writer(self) -> None:
        if self._writer is not None:
            self._cancel_writer(self._writer)
            self._writer = None

    def clear(self) -> None:
        self._discard_writer()
        name, path = self.builds.new()
        self._building = (name, self._new_index(path))

    def commit(self, batch: int | None = None) -> None:
        if self._writer is None and self._building is None and batch is None:
            return
        self._commit_writer(self._writing())
        self._writer = None
        self.builds.committed(self._building[0] if self._building else None, batch)
        self._building = None
