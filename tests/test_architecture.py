"""The layout holds (docs/architecture.md): no import circle between modules, rooms on floors
with at most the few upward imports listed here, and no source file over 700 lines.

A *room* is a sub-package of ``search_service`` (``access``, ``engines``, …), the core modules
at its root taken together, a module or sub-package of ``indexer``, or a whole top-level
package (``web``, ``sample_archive``). Imports inside ``if TYPE_CHECKING:`` are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

import grimp

PROJECT = Path(__file__).resolve().parents[1]
PACKAGES = ("search_service", "indexer", "web", "sample_archive")
CORE = "search_service (core)"
MAX_LINES = 700
# Imports that run up a floor, each with why it stays (at most 4).
UPWARD = {
    ("search_service.config", "search_service.engines.manticore.nodes"):
        "settings name a malformed Manticore node at start-up, not at the first search",
}


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False,
                             exclude_type_checking_imports=True, cache_dir=None)


def room(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "search_service":
        if len(parts) == 1 or (PROJECT.joinpath(*parts[:2]).with_suffix(".py").is_file()
                               and parts[1] != "migrations"):
            return CORE
        return ".".join(parts[:2])
    if parts[0] == "indexer":
        return ".".join(parts[:2])
    return parts[0]


def imports() -> set[tuple[str, str]]:
    g = graph()
    return {(m, i) for m in g.modules for i in g.find_modules_directly_imported_by(m)}


def room_edges() -> dict[tuple[str, str], list[tuple[str, str]]]:
    edges: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for importer, imported in imports():
        if (importer, imported) in UPWARD:
            continue
        a, b = room(importer), room(imported)
        if a != b:
            edges[a, b].append((importer, imported))
    return edges


def floors() -> dict[str, int]:
    """Each room's floor: 0 imports no other room, else one above the highest it imports.
    Raises on a cycle between rooms (an upward import not listed in :data:`UPWARD`)."""
    below: dict[str, set[str]] = defaultdict(set)
    for a, b in room_edges():
        below[a].add(b)
    rooms = {room(m) for m in graph().modules}
    floor: dict[str, int] = {}
    visiting: list[str] = []

    def visit(r: str) -> int:
        if r in floor:
            return floor[r]
        if r in visiting:
            cycle = visiting[visiting.index(r):] + [r]
            raise AssertionError("rooms import each other: " + " → ".join(cycle))
        visiting.append(r)
        floor[r] = 1 + max((visit(b) for b in below[r]), default=-1)
        visiting.pop()
        return floor[r]

    for r in sorted(rooms):
        visit(r)
    return floor


def module_cycles() -> list[list[str]]:
    """Modules that import each other, directly or around a circle (Tarjan's algorithm)."""
    adjacent: dict[str, set[str]] = defaultdict(set)
    for a, b in imports():
        adjacent[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(adjacent[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while (w := stack.pop()) != v:
                component.append(w)
            if component:
                cycles.append(sorted([v, *component]))

    for module in sorted(graph().modules):
        if module not in index:
            connect(module)
    return cycles


def test_no_module_imports_one_that_imports_it() -> None:
    assert module_cycles() == []


def test_rooms_stand_on_floors_with_few_upward_imports() -> None:
    assert len(UPWARD) <= 4
    assert set(UPWARD) <= imports(), "an upward import listed here no longer exists"
    floor = floors()
    for importer, imported in UPWARD:  # each runs up, else it needs no listing
        assert floor[room(imported)] >= floor[room(importer)], (importer, imported)


def test_the_service_core_imports_no_room_of_the_service() -> None:
    """settings, database, migrations and errors sit under every room (bar the one listed)."""
    upward = [(a, b) for (a, b), found in room_edges().items()
              if a == CORE and b.startswith("search_service.")]
    assert upward == []


def test_no_source_file_over_700_lines() -> None:
    long = {str(path.relative_to(PROJECT)): n
            for folder in (*PACKAGES, "tests", "bench", "scripts")
            for path in PROJECT.joinpath(folder).rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


if __name__ == "__main__":  # the floors, for docs/architecture.md
    by_floor: dict[int, list[str]] = defaultdict(list)
    for name, level in floors().items():
        by_floor[level].append(name)
    for level in sorted(by_floor, reverse=True):
        print(level, ", ".join(sorted(by_floor[level])))
    print(len(floors()), "rooms,", len(room_edges()), "arrows,", len(UPWARD), "upward")
