"""One way to say "this needs an extra": ``require("aiohttp", "aiohttp", feature=...)``.

Exists because optional features (the aiohttp transport, the CLI, the PostgreSQL journal) each
need modules that ``pip install klarna-om`` does not bring, and each should fail the same way:
``<feature> needs <modules>: pip install 'klarna-om[<extra>]'``. It imports nothing until asked,
and never installs anything.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

#: The distribution whose extras these are.
DISTRIBUTION = "klarna-om"


def install_command(extra: str) -> str:
    """The pip command that installs ``extra``, e.g. ``pip install 'klarna-om[aiohttp]'``."""
    return f"pip install '{DISTRIBUTION}[{extra}]'"


class MissingExtraError(ImportError):
    """A feature's modules are not installed; the message names them and the pip command."""

    def __init__(self, extra: str, missing: list[str], feature: str) -> None:
        super().__init__(
            f"{feature} needs {', '.join(missing)}: {install_command(extra)}", name=missing[0]
        )
        self.extra = extra
        """The extra to install, e.g. ``aiohttp``."""
        self.missing = missing
        """The modules that are not installed."""


def missing_modules(*modules: str) -> list[str]:
    """Those of ``modules`` (top-level names) that cannot be imported; nothing is imported."""
    return [name for name in modules if importlib.util.find_spec(name) is None]


def require(extra: str, *modules: str, feature: str) -> tuple[ModuleType, ...]:
    """Import ``modules``, or raise ``MissingExtraError`` naming all that are missing and ``extra``.

    ``feature`` is what needs them, the start of the message (e.g. ``"AiohttpTransport"``).
    """
    missing = missing_modules(*modules)
    if missing:
        raise MissingExtraError(extra, missing, feature)
    return tuple(importlib.import_module(name) for name in modules)
