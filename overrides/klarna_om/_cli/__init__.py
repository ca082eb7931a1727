"""``klarna-om``, the command line (the ``cli`` extra: click and rich).

Exists for the people who refund without writing code: one command per operation, and crash-safe
batch refunds from a CSV file. ``import klarna_om`` never imports it; without the extra the
console script says what to install and exits 2.
"""

from __future__ import annotations

import sys

from .._extras import install_command, missing_modules


def main() -> None:
    """The ``klarna-om`` console script."""
    missing = missing_modules("click", "rich")
    if missing:
        print(f"klarna-om needs {', '.join(missing)}: {install_command('cli')}", file=sys.stderr)
        raise SystemExit(2)
    from . import _batch_command, _commands, _fleet_commands  # noqa: F401 (add commands)
    from ._app import cli

    cli()
