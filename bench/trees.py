"""Code trees compared side by side (``--before``, ``--tree``) may be laid out before or after
issue 22's rooms (docs/architecture.md): where each keeps its command and its modules."""

from __future__ import annotations

from pathlib import Path

# Prepended to a script run with a tree's code and that tree as its working directory:
# ``module(new, old)`` imports the module's name in the tree's layout (not whichever imports:
# the environment's editable install may find a newer tree's module under an older tree).
LAYOUT = """
import importlib, os
def module(new, old):
    rooms = os.path.isdir(os.path.join("search_service", "reading"))
    return importlib.import_module(new if rooms else old)
"""


def cli_module(tree: Path) -> str:
    """The module ``python -m`` runs as ``archive-search`` in ``tree``."""
    return "search_service.cli.main" if (tree / "search_service/cli/main.py").is_file() \
        else "search_service.cli"
