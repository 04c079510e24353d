"""Group commit: appends made at the same moment share one transaction and one fsync.

Each caller queues its item and then waits for the leader lock. Whoever holds it takes every
item queued so far (up to :attr:`GroupCommit.max_group`), writes them in one transaction with
``write`` (all of them in one call, its results one per item, in order) and commits; each
caller returns only once the commit holding its item has succeeded (or raises the commit's
error: then none of the group was written). So an answer never goes out for a record that is
not durable, and a crash mid-group loses only records nobody was told of. Alone, a caller
becomes the leader at once: the cost is one lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from search_service.db import serialized

Item = TypeVar("Item")


@dataclass
class _Slot(Generic[Item]):
    item: Item
    done: bool = False
    result: Any = None
    error: BaseException | None = None


class GroupCommit(Generic[Item]):
    def __init__(self, engine: Engine, write: Callable[[Connection, list[Item]], list[Any]],
                 max_group: int = 256) -> None:
        self.engine = engine
        self.write = write
        self.max_group = max_group
        self.commits = 0  # transactions committed (the figure group commit lowers)
        self._queue: list[_Slot[Item]] = []
        self._queue_lock = threading.Lock()
        self._leader = threading.Lock()

    def submit(self, item: Item) -> Any:
        """Write ``item`` with whatever else is waiting; ``write``'s result once committed."""
        slot = _Slot(item)
        with self._queue_lock:
            self._queue.append(slot)
        with self._leader:  # slots are set under this lock, so reading them here is safe
            while not slot.done:
                with self._queue_lock:
                    group = self._queue[:self.max_group]
                    del self._queue[:self.max_group]
                self._commit(group)
        if slot.error is not None:
            raise slot.error
        return slot.result

    def _commit(self, group: list[_Slot[Item]]) -> None:
        try:
            with serialized(self.engine) as conn:
                results = self.write(conn, [slot.item for slot in group])
        except BaseException as exc:  # nothing of the group was committed: each caller hears
            for slot in group:
                slot.error, slot.done = exc, True
            return
        self.commits += 1
        for slot, result in zip(group, results):
            slot.result, slot.done = result, True
