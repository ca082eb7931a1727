"""``klarna-om batch``: refunds from a CSV file, validated first, journaled, resumable.

The whole file is read strictly (``_csvfile``) and compared with its journal (``_journal.plan``)
before anything is sent: a row already sent whose amount, lines, fee or text changed is refused
with its line numbers (exit 2); removed rows are reported; new rows are added. Then ``_batch``
sends what is left. Paths are checked first (``_files``): the journal is locked on its resolved
path and a report never overwrites an input.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress

from .._async_client import AsyncKlarnaOrderManagement
from .._pacer import Pacer
from ._app import INTERRUPTED, REFUSED, UNKNOWN, USAGE, Settings, cli, connection_options, handled
from ._app import usage_error as _usage_error
from ._batch import Progress, Sender, keys_for, send_rows, stop_on_signals
from ._csvfile import Row, read_rows
from ._files import FileRefusedError, check_report_path, lock_journal, write_report
from ._fleet_commands import is_database_url, run_batch
from ._journal import Entry, JournalError, Plan, SQLiteJournal, plan, summary
from ._output import emit, say
from ._rules import KEY_LIFETIME, RECONCILE_AFTER

_HOUR = 3600.0


@cli.command()
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--journal",
    help="SQLite journal file, or a postgresql:// URL shared by workers on many hosts; the same"
    " one resumes [default: refunds.journal.sqlite3 beside refunds.csv]",
)
@click.option(
    "--batch",
    "batch_name",
    help="The batch's name in a PostgreSQL journal [default: the CSV file's name without .csv]",
)
@click.option(
    "--submit-only",
    is_flag=True,
    help="PostgreSQL journal: record and enqueue the rows, leave the sending to workers",
)
@click.option(
    "--heartbeat",
    type=click.FloatRange(0.1, 3600),
    default=10.0,
    show_default=True,
    help="PostgreSQL journal: seconds between heartbeats (three missed: rows taken over)",
)
@click.option("--concurrency", type=click.IntRange(1, 256), default=8, show_default=True)
@click.option(
    "--rate",
    type=click.FloatRange(0.1, 10_000),
    default=50.0,
    show_default=True,
    help="Requests per second (Klarna: 50 on the playground, 200 in production); with a"
    " PostgreSQL journal, the merchant's total across every worker (kept until set again)",
)
@click.option(
    "--reconcile-after",
    type=click.FloatRange(0, KEY_LIFETIME / _HOUR, max_open=True),
    default=RECONCILE_AFTER / _HOUR,
    show_default=True,
    help="Hours after a row's first send from which its order is read before sending again "
    "(Klarna forgets a key after 24)",
)
@click.option("--dry-run", is_flag=True, help="Check the file and compare it with the journal")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Outcomes as CSV")
@connection_options
@handled(write=True)
def batch(
    settings: Settings,
    csv_file: Path,
    journal: str | None,
    batch_name: str | None,
    submit_only: bool,
    heartbeat: float,
    concurrency: int,
    rate: float,
    reconcile_after: float,
    dry_run: bool,
    report: Path | None,
) -> None:
    """Refund every row of CSV_FILE, resumably.

    Columns: order_id, amount, reference; optional return_fee, description, lines (a JSON
    array of order lines). Amounts are minor units in plain digits; every row has the header's
    number of fields; UTF-8 only; a field holds at most 65,536 characters. The whole file is
    checked first and nothing is sent if a row is wrong.

    A row is named by its order_id and reference: its idempotency key comes from them and the
    merchant, and the journal records what it sent and when. Running the same command again
    skips done and refused rows and sends the others again with their keys; a key older than
    --reconcile-after hours is not trusted: the order is read first. A row changed after it was
    sent is refused (exit 2); use a new reference for a new refund. Ctrl-C stops sending new
    rows and waits for those in flight (exit 130).
    """
    rows, errors = read_rows(csv_file)
    if errors:
        for error in errors:
            say(f"{csv_file}:{error.line}: {error.message}", err=True)
        say(f"{len(errors)} bad rows; nothing was sent", err=True)
        if settings.as_json:
            emit(True, {"errors": [{"line": e.line, "message": e.message} for e in errors]}, _no)
        sys.exit(USAGE)
    if is_database_url(journal):
        assert journal is not None
        if report is not None:
            try:
                check_report_path(report, csv_file, None)
            except FileRefusedError as exc:
                _usage_error(settings, str(exc))
        run_batch(
            settings,
            csv_file,
            rows,
            journal,
            batch=batch_name or csv_file.stem,
            concurrency=concurrency,
            rate=rate,
            rate_given=click.get_current_context().get_parameter_source("rate")
            is not click.core.ParameterSource.DEFAULT,
            reconcile_after=reconcile_after,
            dry_run=dry_run,
            submit_only=submit_only,
            heartbeat=heartbeat,
            report=report,
            on_plan=lambda found: _check_plan(settings, csv_file, found),
        )
        return
    journal_path = Path(journal) if journal else csv_file.with_suffix(".journal.sqlite3")
    try:
        if report is not None:
            check_report_path(report, csv_file, journal_path)
        if dry_run:
            _dry_run(settings, csv_file, rows, journal_path)
            return
        merchant = settings.merchant()
        lock = lock_journal(journal_path)
        try:
            store = SQLiteJournal(journal_path)
        except BaseException:
            lock.close()
            raise
    except (FileRefusedError, JournalError) as exc:
        _usage_error(settings, str(exc))
    try:
        found = plan(rows, store.entries())
        if found.changed_sent:
            _refuse_changes(settings, csv_file, found)
        store.apply(rows, keys_for(merchant, found.new))
        _report_plan(csv_file, found)
        sender = Sender(merchant, reconcile_after * _HOUR)
        progress, interrupted = asyncio.run(
            _run_batch(settings, rows, store, sender, concurrency, rate)
        )
        entries = store.entries()
    finally:
        store.close()
        lock.close()
    if report is not None:
        write_report(report, entries)
    _finish(settings, csv_file, journal_path, entries, found, progress, interrupted)


def _no(console: Console) -> None:
    """No human view: only the JSON form exists."""


def _changes(found: Plan) -> dict[str, Any]:
    return {
        "new": len(found.new),
        "changed_before_sending": [c.describe() for c in found.changed_unsent],
        "changed_after_sending": [c.describe() for c in found.changed_sent],
        "removed": [_removed(e) for e in found.removed],
    }


def _removed(entry: Entry) -> str:
    text = (
        f"line {entry.line}: order {entry.order_id} reference {entry.reference} ({entry.state})"
        " is no longer in the file and is not sent"
    )
    if entry.state in ("in_flight", "unknown"):
        text += "; its outcome is unknown: check the order with klarna-om get-order"
    return text


def _dry_run(settings: Settings, csv_file: Path, rows: list[Row], journal_path: Path) -> None:
    entries: list[Entry] = []
    if journal_path.exists():
        store = SQLiteJournal(journal_path, read_only=True)
        try:
            entries = store.entries()
        finally:
            store.close()
    found = plan(rows, entries)
    total = sum(row.amount for row in rows)
    valid = not found.changed_sent
    data: dict[str, Any] = {"rows": len(rows), "refunded_amount_total": total, "valid": valid}
    if entries:
        data["journal"] = str(journal_path)
        data["changes"] = _changes(found)
    if not valid:
        _refuse_changes(settings, csv_file, found)
    _report_plan(csv_file, found)
    emit(
        settings.as_json,
        data,
        lambda console: say(f"{len(rows)} rows valid; {total} minor units"),
    )


def _check_plan(settings: Settings, csv_file: Path, found: Plan) -> None:
    """Refuse a file whose sent rows changed (exit 2); report the other changes."""
    if found.changed_sent:
        _refuse_changes(settings, csv_file, found)
    _report_plan(csv_file, found)


def _refuse_changes(settings: Settings, csv_file: Path, found: Plan) -> None:
    lines = [f"{csv_file}: {c.describe()}" for c in found.changed_sent]
    message = (
        f"{len(found.changed_sent)} rows changed after they were sent; nothing was sent. Keep "
        "them as they were, or give a corrected refund a new reference:\n" + "\n".join(lines)
    )
    if settings.as_json:
        emit(True, {"error": {"message": message}, "changes": _changes(found)}, _no)
        say(message, err=True)
        sys.exit(USAGE)
    _usage_error(settings, message)


def _report_plan(csv_file: Path, found: Plan) -> None:
    for change in found.changed_unsent:
        say(f"{csv_file}: changed before it was sent, taken as now: {change.describe()}", err=True)
    for entry in found.removed:
        say(f"{csv_file}: {_removed(entry)}", err=True)


def _finish(
    settings: Settings,
    csv_file: Path,
    journal_path: Path,
    entries: list[Entry],
    found: Plan,
    progress: Progress,
    interrupted: bool,
) -> None:
    removed = {e.identity for e in found.removed}
    current = [e for e in entries if e.identity not in removed]
    counts = summary(current)
    refused = [e for e in current if e.state == "refused"]
    resume = shlex.join(["klarna-om", *sys.argv[1:]])
    data: dict[str, Any] = {
        "rows": len(current),
        "this_run": {
            "sent": progress.sent,
            "done": progress.done,
            "refused": progress.refused,
            "unknown": progress.unknown,
            "reconciled": progress.reconciled,
        },
        "states": counts,
        "refused": [
            {"line": e.line, "order_id": e.order_id, "reference": e.reference, "error": e.error}
            for e in refused
        ],
        "changes": _changes(found),
        "journal": str(journal_path),
        "interrupted": interrupted,
    }

    def show(console: Console) -> None:
        say(
            f"{counts['done']} done, {counts['refused']} refused, {counts['unknown']} unknown, "
            f"{counts['pending'] + counts['in_flight']} not sent; journal {journal_path}"
        )
        for e in refused:
            say(f"{csv_file}:{e.line}: refused: {e.error}")
        if interrupted or counts["unknown"] or counts["pending"] or counts["in_flight"]:
            say(f"Resume (safe: the same keys are sent again):\n  {resume}")

    emit(settings.as_json, data, show)
    if interrupted and not counts["unknown"]:
        sys.exit(INTERRUPTED)
    if counts["unknown"] or counts["pending"] or counts["in_flight"]:
        sys.exit(UNKNOWN)
    if counts["refused"]:
        sys.exit(REFUSED)


async def _run_batch(
    settings: Settings,
    rows: list[Row],
    store: SQLiteJournal,
    sender: Sender,
    concurrency: int,
    rate: float,
) -> tuple[Progress, bool]:
    args = settings.client_args()
    stop = asyncio.Event()
    pacer = Pacer(rate)
    console = Console(stderr=True)
    live = console.is_terminal and not settings.as_json
    bar = RichProgress(
        TextColumn("refunds"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}", markup=False),
        TimeRemainingColumn(),
        console=console,
        disable=not live,
    )
    last_line = [0.0]

    def on_outcome(progress: Progress) -> None:
        detail = (
            f"done {progress.done} refused {progress.refused} unknown {progress.unknown} "
            f"{progress.rate:.1f}/s"
        )
        if live:
            bar.update(task, total=progress.total, completed=progress.finished, detail=detail)
        elif not settings.as_json and (progress.finished == progress.total or _due(last_line)):
            say(f"{progress.finished}/{progress.total} {detail}", err=True)

    with bar:
        task = bar.add_task("refunds", total=None, detail="")
        with stop_on_signals(stop):
            progress = await send_rows(
                lambda transport: AsyncKlarnaOrderManagement(**args, transport=transport),
                rows,
                store,
                sender=sender,
                concurrency=concurrency,
                pacer=pacer,
                on_outcome=on_outcome,
                stop=stop,
            )
    return progress, stop.is_set()


def _due(last: list[float]) -> bool:
    now = time.monotonic()
    if now - last[0] >= 1.0:
        last[0] = now
        return True
    return False
