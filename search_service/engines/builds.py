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
