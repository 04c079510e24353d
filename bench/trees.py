"""Code trees compared side by side (``--before``, ``--tree``) may be laid out before or after
issue 22's rooms (docs/architecture.md): where each keeps its command and its modules."""

from __future__ import annotations

from pathlib import Path

# Prepended to a script run with a tree's code: ``module(new, old)`` imports whichever exists.
LAYOUT = """
import importlib
def module(new, old):
    try:
        return importlib.import_module(new)
    except ModuleNotFoundError:
        return importlib.import_module(old)
"""


def cli_module(tree: Path) -> str:
    """The module ``python -m`` runs as ``archive-search`` in ``tree``."""
    return "search_service.cli.main" if (tree / "search_service/cli/main.py").is_file() \
        else "search_service.cli"
