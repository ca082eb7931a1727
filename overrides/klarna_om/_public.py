"""The public names of ``klarna_om``, read from the one place they are written.

Exists so that each public name is written once: in the ``if TYPE_CHECKING:`` imports of
``klarna_om/__init__.py``, which type checkers read. This module reads the same lines at run time
(``exports``: name -> module) for the lazy loading and ``__all__``, and ``publish`` makes every
exported class and function of a module look public (``klarna_om.NotFoundError``) when that
module is executed, whichever way it is imported. Generated models keep their own module: their
annotations resolve there. Nothing here imports the modules it names.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Any

PACKAGE = "klarna_om"


@functools.cache
def exports() -> dict[str, str]:
    """Every public name of ``klarna_om`` -> the module it lives in (relative to the package)."""
    # The file itself, beside this module: importlib's loaders API would cost a few ms of imports.
    tree = ast.parse(Path(__file__).with_name("__init__.py").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imported in node.body:
                if isinstance(imported, ast.ImportFrom):
                    module = "." * imported.level + (imported.module or "")
                    for alias in imported.names:
                        found[alias.asname or alias.name] = module
    return found


def publish(namespace: dict[str, Any]) -> None:
    """Make the exported classes and functions of ``namespace``'s module say ``klarna_om``.

    Called at the end of each module that defines public names.
    """
    module = namespace["__name__"]
    relative = module.removeprefix(PACKAGE)
    for name, where in exports().items():
        value = namespace.get(name)
        if where == relative and getattr(value, "__module__", None) == module:
            value.__module__ = PACKAGE
