"""``klarna-om``, the command line (the ``cli`` extra: click and rich).

Exists for the people who refund without writing code: one command per operation, and crash-safe
batch refunds from a CSV file. ``import klarna_om`` never imports it; without the extra the
console script says what to install and exits 2.
"""

from __future__ import annotations

import sys

INSTALL_HINT = "pip install 'klarna-om[cli]'"


def main() -> None:
    """The ``klarna-om`` console script."""
    try:
        from . import _batch_command, _commands, _fleet_commands  # noqa: F401 (add commands)
        from ._app import cli
    except ModuleNotFoundError as exc:
        if exc.name not in ("click", "rich") and not (exc.name or "").startswith(
            ("click.", "rich.")
        ):
            raise
        print(
            f"klarna-om: missing module {exc.name!r}; install the command line extra: "
            f"{INSTALL_HINT}",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    cli()
