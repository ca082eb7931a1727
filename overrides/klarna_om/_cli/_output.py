r"""What the command line shows: human views (rich) and JSON, with hostile text made harmless.

Every piece of user or server text (references, line names, ids, Klarna's messages) passes
``clean`` before it reaches a terminal: control characters, ANSI escapes and bidirectional
overrides are shown as ``\xNN`` escapes, and rich never parses it as markup (cells and lines are
``rich.text.Text``). JSON output is ``json.dumps`` with ASCII escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

#: Control characters (C0, DEL, C1), bidirectional controls and line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
#: ISO 4217 currencies without minor units, and with three.
ZERO_DECIMALS = frozenset(
    "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905
)
THREE_DECIMALS = frozenset("BHD IQD JOD KWD LYD OMR TND".split())  # noqa: SIM905


def clean(value: object) -> str:
    """``value`` as text that cannot move the cursor, colour the screen or reorder a line."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def text(value: object) -> Text:
    """``clean(value)`` as a rich ``Text``: printed as is, never read as markup."""
    return Text(clean(value))


def money(amount: int | None, currency: str | None) -> str:
    """``EUR 195.00`` from minor units; minor units as such when the currency is unknown."""
    if amount is None:
        return "-"
    if not currency:
        return f"{amount} (minor units)"
    currency = clean(currency)
    digits = 0 if currency in ZERO_DECIMALS else 3 if currency in THREE_DECIMALS else 2
    sign, value = ("-" if amount < 0 else ""), abs(amount)
    if digits == 0:
        return f"{currency} {sign}{value}"
    return f"{currency} {sign}{value // 10**digits}.{value % 10**digits:0{digits}d}"


def pairs(console: Console, rows: Iterable[tuple[str, object]], title: str | None = None) -> None:
    """A two-column table of names and values (values cleaned, never markup)."""
    if title:
        console.print(text(title), style="bold")
    table = Table(show_header=False, box=None)
    for name, value in rows:
        table.add_row(text(name), text("-" if value is None else value))
    console.print(table)


def table(
    console: Console, columns: Iterable[str], rows: Iterable[Iterable[object]], title: str = ""
) -> None:
    """A table with a header; every cell cleaned and never read as markup."""
    shown = Table(*columns, title=text(title) if title else None)
    for row in rows:
        shown.add_row(*(text("-" if cell is None else cell) for cell in row))
    console.print(shown)


def say(message: str, *, err: bool = False) -> None:
    """Plain text on stdout or stderr: each line cleaned (our own line breaks are kept)."""
    click.echo("\n".join(clean(part) for part in message.split("\n")), err=err)


def emit(as_json: bool, data: dict[str, Any], human: Callable[[Console], None]) -> None:
    """One JSON document, or the human view on stdout."""
    if as_json:
        click.echo(json.dumps(data, sort_keys=True))
    else:
        human(Console(highlight=False))
