"""Killable worker processes: each task runs with a deadline and a memory limit.

The main process hands one task at a time to each worker over a pipe. A worker that runs
past its deadline is killed and replaced; one that dies (out of memory, a crash in a C
library) is replaced too; one whose resident memory passes the budget is killed mid-task,
and one left above three quarters of it after a task is replaced by a fresh process (what a
big file made the libraries keep is given back). Either way the task is reported as failed
and the rest go on; a run's memory is at most workers × budget beside the main process (a
worker's budget counts its private pages, not those it still shares with the main process
since the fork).
A task may report progress (a page done), which moves its deadline on. A worker whose run
was killed outright (no chance to stop it) notices and exits instead of waiting forever.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DONE, TIMEOUT, DIED, MEMORY = "done", "timeout", "died", "memory"
PARENT_CHECK_SECONDS = 1.0  # how often an idle worker checks that its run is still there
MEMORY_CHECK_SECONDS = 0.5  # how often the resident memory of busy workers is read
RECYCLE_SHARE = 0.75  # a worker above this share of its budget after a task is replaced
_END = object()
Progress = Callable[[], None]
Starter = Callable[[], "tuple[multiprocessing.Process, Connection]"]


@dataclass(frozen=True)
class TaskLimits:
    seconds: float = 180.0  # without progress; each reported page restarts the clock
    max_seconds: float = 3600.0  # in all, however much progress
    memory_bytes: int | None = 4 * 2**30  # address space of a worker (RLIMIT_AS): a backstop
    resident_bytes: int | None = 1024 * 2**20  # private resident memory of a worker: the budget


def resident(pid: int) -> int:
    """Memory process ``pid`` holds for itself, in bytes: its private resident pages (Linux
    /proc; what killing it frees). Pages still shared with the main process since the fork
    are not counted: they are the main process's. 0 when unknown or gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return 0
    return sum(int(line.split()[1]) * 1024 for line in lines
               if line.startswith((b"Private_Clean:", b"Private_Dirty:")))


@dataclass(frozen=True)
class Finished(Generic[T, R]):
    item: T
    state: str  # DONE, TIMEOUT, DIED or MEMORY
    result: R | None = None


def _worker_main(fn: Callable[[T, Progress], R], conn: Connection,
                 memory_bytes: int | None, warm_up: Callable[[], None] | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if warm_up:
        warm_up()
    parent = os.getppid()
    while True:
        while not conn.poll(PARENT_CHECK_SECONDS):
            if os.getppid() != parent:
                return  # the run that started this worker is gone (killed): nothing to do
        try:
            item = conn.recv()
        except EOFError:
            return
        result = fn(item, lambda: conn.send(("progress", None)))
        conn.send(("done", result))


class _Slot:
    """One worker process and the task it is running, if any."""

    def __init__(self, start: Starter) -> None:
        self.process, self.conn = start()
        self.item: object = None
        self.busy = False
        self.started = self.deadline = 0.0

    def give(self, item: object, limits: TaskLimits) -> None:
        self.item, self.busy = item, True
        self.started = time.monotonic()
        self.deadline = self.started + limits.seconds
        self.conn.send(item)

    def kill(self) -> None:
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.join()
        self.conn.close()


def supervised(fn: Callable[[T, Progress], R], items: Iterable[T], workers: int,
               limits: TaskLimits, on_progress: Callable[[], None] | None = None,
               warm_up: Callable[[], None] | None = None) -> Iterator[Finished[T, R]]:
    """Run ``fn(item, progress)`` for each item on ``workers`` killable processes.

    Yields one :class:`Finished` per item, in completion order. ``fn`` should not raise:
    an exception in it kills its worker and is reported as DIED.
    """
    context = multiprocessing.get_context("fork")

    def start() -> tuple[multiprocessing.Process, Connection]:
        parent, child = context.Pipe()
        process = context.Process(target=_worker_main, daemon=True,
                                  args=(fn, child, limits.memory_bytes, warm_up))
        process.start()
        child.close()
        return process, parent

    todo = iter(items)
    slots = [_Slot(start) for _ in range(max(1, workers))]
    try:
        yield from _loop(slots, todo, limits, start, on_progress or (lambda: None))
    finally:
        for slot in slots:
            slot.kill()


def _loop(slots: list[_Slot], todo: Iterator[T], limits: TaskLimits, start: Starter,
          on_progress: Callable[[], None]) -> Iterator[Finished]:
    exhausted = False
    while True:
        for index, slot in enumerate(slots):
            if not slot.busy and not exhausted:
                item = next(todo, _END)
                if item is _END:
                    exhausted = True
                    continue
                try:
                    slot.give(item, limits)
                except OSError:  # the idle worker was killed from outside: replace it
                    slot.kill()
                    slots[index] = _Slot(start)
                    slots[index].give(item, limits)
        busy = [s for s in slots if s.busy]
        if not busy:
            return
        now = time.monotonic()
        timeout = max(0.0, min(s.deadline for s in busy) - now)
        if limits.resident_bytes:
            timeout = min(timeout, MEMORY_CHECK_SECONDS)
        ready = set(wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout))
        for index, slot in enumerate(slots):
            if not slot.busy:
                continue
            finished = _check(slot, ready, limits, on_progress)
            if finished is not None:
                if finished.state != DONE or _bloated(slot, limits):
                    slot.kill()
                    slots[index] = _Slot(start)
                else:
                    slot.busy = False
                yield finished


def _bloated(slot: _Slot, limits: TaskLimits) -> bool:
    """Whether an idle worker holds more than RECYCLE_SHARE of its memory budget."""
    return bool(limits.resident_bytes) and resident(slot.process.pid) > (
        RECYCLE_SHARE * limits.resident_bytes)


def _check(slot: _Slot, ready: set[object], limits: TaskLimits,
           on_progress: Callable[[], None]) -> Finished | None:
    """What became of a busy slot's task: finished, timed out, died, or still running."""
    if slot.conn in ready:
        try:
            while slot.conn.poll():
                kind, value = slot.conn.recv()
                if kind == "done":
                    return Finished(slot.item, DONE, value)
                on_progress()
                slot.deadline = min(time.monotonic() + limits.seconds,
                                    slot.started + limits.max_seconds)
        except (EOFError, OSError):
            return Finished(slot.item, DIED)
    if slot.process.sentinel in ready and not slot.process.is_alive():
        return Finished(slot.item, DIED)
    if limits.resident_bytes and resident(slot.process.pid) > limits.resident_bytes:
        return Finished(slot.item, MEMORY)
    if time.monotonic() >= slot.deadline:
        return Finished(slot.item, TIMEOUT)
    return None
