"""The commands of batches shared through PostgreSQL (the ``postgres`` extra).

``batch --journal postgresql://…``, ``worker`` and ``batch-status``, on procrastinate and psycopg.

The file is validated and compared with the journal exactly as with SQLite; then each row still
to send gets one job, and the command works like a worker until no job of the batch is left
(unless ``--submit-only``). ``--rate`` is the merchant's total across every worker.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from .._async_client import AsyncKlarnaOrderManagement
from .._extras import install_command, missing_modules
from ._app import (
    INTERRUPTED,
    REFUSED,
    UNKNOWN,
    USAGE,
    Settings,
    cli,
    connection_options,
    handled,
    usage_error,
)
from ._batch import Sender, keys_for
from ._csvfile import Row
from ._files import write_report
from ._journal import Entry, Plan, summary
from ._output import emit, say, table
from ._rules import KEY_LIFETIME, RECONCILE_AFTER

if TYPE_CHECKING:
    from ._fleet import Fleet

T = TypeVar("T")
_HOUR = 3600.0


def is_database_url(journal: str | None) -> bool:
    """Whether ``--journal`` names a PostgreSQL database rather than a file."""
    return bool(journal) and str(journal).startswith(("postgresql://", "postgres://"))


def _fleet(settings: Settings, dsn: str, concurrency: int, heartbeat: float, hours: float) -> Fleet:
    missing = missing_modules("procrastinate", "psycopg")
    if missing:
        usage_error(
            settings,
            f"a PostgreSQL journal needs {', '.join(missing)}: {install_command('postgres')};"
            " nothing was sent",
        )
    from ._fleet import Fleet

    args = settings.client_args()
    return Fleet(
        dsn,
        Sender(settings.merchant(), hours * _HOUR),
        lambda transport: AsyncKlarnaOrderManagement(**args, transport=transport),
        concurrency=concurrency,
        heartbeat=heartbeat,
    )


def _run(fleet: Fleet, body: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        await fleet.open()
        try:
            return await body()
        finally:
            await fleet.close()

    return asyncio.run(main())


def run_batch(
    settings: Settings,
    csv_file: Path,
    rows: list[Row],
    dsn: str,
    *,
    batch: str,
    concurrency: int,
    rate: float,
    rate_given: bool,
    reconcile_after: float,
    dry_run: bool,
    submit_only: bool,
    heartbeat: float,
    report: Path | None,
    on_plan: Callable[[Plan], None],
) -> None:
    """``klarna-om batch`` on a PostgreSQL journal (see the module docstring)."""
    fleet = _fleet(settings, dsn, concurrency, heartbeat, reconcile_after)
    keys = keys_for(fleet.sender.merchant, rows)

    async def body() -> tuple[Plan, int, bool, list[tuple[Entry, str, str | None]]]:
        found = await fleet.journal.submit(batch, rows, keys, dry_run=dry_run)
        if dry_run or found.changed_sent:
            return found, 0, False, []
        await fleet.journal.set_rate(rate, keep=not rate_given)
        added = await fleet.enqueue(batch)
        interrupted = False if submit_only else await fleet.work(until_done=batch)
        return found, added, interrupted, await fleet.journal.batch_entries(batch)

    found, added, interrupted, rows_now = _run(fleet, body)
    on_plan(found)
    if dry_run:
        total = sum(row.amount for row in rows)
        data = {"rows": len(rows), "refunded_amount_total": total, "valid": True}
        emit(settings.as_json, data, lambda c: say(f"{len(rows)} rows valid; {total} minor units"))
        return
    entries = [entry for entry, _, _ in rows_now]
    if report is not None:
        write_report(report, entries)
    extra = {"enqueued": added, "submit_only": submit_only, "interrupted": interrupted}
    _summary(settings, batch, entries, extra)


def _summary(settings: Settings, batch: str, entries: list[Entry], extra: dict[str, Any]) -> None:
    counts = summary(entries)
    refused = [
        {"line": e.line, "order_id": e.order_id, "reference": e.reference, "error": e.error}
        for e in entries
        if e.state == "refused"
    ]
    data = {"batch": batch, "rows": len(entries), "states": counts, "refused": refused, **extra}

    def show(console: Console) -> None:
        say(
            f"batch {batch}: {counts['done']} done, {counts['refused']} refused, "
            f"{counts['unknown']} unknown, {counts['pending'] + counts['in_flight']} not sent"
        )
        for row in refused:
            say(f"line {row['line']}: refused: {row['error']}")

    emit(settings.as_json, data, show)
    if extra.get("submit_only"):
        return
    if extra.get("interrupted"):  # the rows left are in the queue: any worker sends them
        sys.exit(INTERRUPTED)
    if counts["unknown"] or counts["pending"] or counts["in_flight"]:
        sys.exit(UNKNOWN)
    if counts["refused"]:
        sys.exit(REFUSED)


_DSN_HELP = "The PostgreSQL journal: postgresql://user@host/db [KLARNA_OM_JOURNAL]"


@cli.command()
@click.option("--journal", "dsn", envvar="KLARNA_OM_JOURNAL", required=True, help=_DSN_HELP)
@click.option("--concurrency", type=click.IntRange(1, 256), default=8, show_default=True)
@click.option(
    "--rate",
    type=click.FloatRange(0.1, 10_000),
    help="Set the merchant's total requests per second across every worker",
)
@click.option(
    "--reconcile-after",
    type=click.FloatRange(0, KEY_LIFETIME / _HOUR, max_open=True),
    default=RECONCILE_AFTER / _HOUR,
    show_default=True,
    help="Hours after a row's first send from which its order is read before sending again",
)
@click.option(
    "--heartbeat",
    type=click.FloatRange(0.1, 3600),
    default=10.0,
    show_default=True,
    help="Seconds between heartbeats; a worker silent for three has its rows taken over",
)
@connection_options
@handled(write=True)
def worker(
    settings: Settings,
    dsn: str,
    concurrency: int,
    rate: float | None,
    reconcile_after: float,
    heartbeat: float,
) -> None:
    """Send the rows of every batch in a PostgreSQL journal, with others on any host.

    The worker serves the batches of its merchant (the API username). Ctrl-C or SIGTERM lets
    the rows in flight finish, then leaves; rows of a worker that died are taken over after
    three missed heartbeats and sent again with their keys (Klarna applies each refund once).
    """
    if not is_database_url(dsn):
        usage_error(settings, "--journal must be a postgresql:// URL")
    fleet = _fleet(settings, dsn, concurrency, heartbeat, reconcile_after)

    async def body() -> None:
        if rate is not None:
            await fleet.journal.set_rate(rate)
        await fleet.work()

    _run(fleet, body)


@cli.command("batch-status")
@click.argument("batch", required=False)
@click.option("--journal", "dsn", envvar="KLARNA_OM_JOURNAL", required=True, help=_DSN_HELP)
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Outcomes as CSV")
@connection_options
@handled(write=False)
def batch_status(settings: Settings, batch: str | None, dsn: str, report: Path | None) -> None:
    """Rows done, refused, unknown and not sent, per worker and overall (BATCH, else every one).

    Reads only; it needs the merchant's username (the journal keeps each merchant's rows).
    """
    if not is_database_url(dsn):
        usage_error(settings, "--journal must be a postgresql:// URL")
    fleet = _fleet(settings, dsn, 1, 10.0, RECONCILE_AFTER / _HOUR)
    found = _run(fleet, lambda: fleet.journal.batch_entries(batch))
    if report is not None:
        from ._files import FileRefusedError, check_report_path

        try:
            check_report_path(report, None, None)
        except FileRefusedError as exc:
            usage_error(settings, str(exc))
        write_report(report, [entry for entry, _, _ in found])
    per_worker: dict[str, Counter[str]] = {}
    for entry, _, name in found:
        per_worker.setdefault(name or "-", Counter())[entry.state] += 1
    overall = summary(entry for entry, _, _ in found)
    data = {
        "batch": batch,
        "rows": len(found),
        "states": overall,
        "workers": {name: dict(counts) for name, counts in sorted(per_worker.items())},
        "batches": sorted({name for _, name, _ in found}),
    }

    def show(console: Console) -> None:
        columns = ("worker", "done", "refused", "unknown", "in_flight", "pending")
        rows = [
            (name, *(counts[c] for c in columns[1:])) for name, counts in sorted(per_worker.items())
        ]
        rows.append(("overall", *(overall[c] for c in columns[1:])))
        table(console, columns, rows, title=f"batch {batch or '(all)'}")

    emit(settings.as_json, data, show)


__all__ = ["USAGE", "is_database_url", "run_batch"]
