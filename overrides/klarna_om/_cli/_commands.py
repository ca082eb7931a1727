"""The ``klarna-om`` commands (click), with rich for tables and progress.

Exit codes: 0 success; 1 Klarna refused (a 4xx answer); 2 usage or validation error (nothing
was sent); 3 outcome unknown (no answer after every retry: the message gives the idempotency key
and the command that retries safely); 130 a batch interrupted (resumable).
"""

from __future__ import annotations

import asyncio
import fcntl
import functools
import json
import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from .._async_client import AsyncKlarnaOrderManagement
from .._base_client import RefundCreated
from .._constants import ENV_PASSWORD
from .._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    InvalidRequestError,
    KlarnaError,
)
from .._money import ReturnFee
from .._sync_client import KlarnaOrderManagement
from ._batch import Progress, TokenBucket, read_rows, send_rows, stop_on_signals, write_report
from ._journal import JournalMismatchError, SQLiteJournal, summary

F = TypeVar("F", bound=Callable[..., Any])
OK, REFUSED, USAGE, UNKNOWN, INTERRUPTED = 0, 1, 2, 3, 130
#: ISO 4217 currencies without minor units, and with three.
ZERO_DECIMALS = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
THREE_DECIMALS = frozenset("BHD IQD JOD KWD LYD OMR TND".split())  # noqa: SIM905


def money(amount: int | None, currency: str | None) -> str:
    """``EUR 195.00`` from minor units; minor units as such when the currency is unknown."""
    if amount is None:
        return "-"
    if not currency:
        return f"{amount} (minor units)"
    digits = 0 if currency in ZERO_DECIMALS else 3 if currency in THREE_DECIMALS else 2
    sign, value = ("-" if amount < 0 else ""), abs(amount)
    if digits == 0:
        return f"{currency} {sign}{value}"
    return f"{currency} {sign}{value // 10**digits}.{value % 10**digits:0{digits}d}"


@attrs.frozen(kw_only=True)
class Settings:
    """The connection options every command shares (``connection_options`` declares them)."""

    username: str | None
    password_file: Path | None
    region: str | None
    playground: bool | None
    base_url: str | None
    timeout: float
    as_json: bool

    def password(self) -> str | None:
        """From --password-file, else KLARNA_PASSWORD, else a hidden prompt on a terminal."""
        if self.password_file is not None:
            return self.password_file.read_text(encoding="utf-8").strip()
        if os.environ.get(ENV_PASSWORD):
            return None  # the client reads it
        if sys.stdin.isatty():
            value: str = click.prompt("Klarna API password", hide_input=True)
            return value
        return None  # the client says what is missing

    def client_args(self) -> dict[str, Any]:
        """Arguments for either client."""
        return {
            "username": self.username,
            "password": self.password(),
            "region": self.region,
            "playground": self.playground,
            "base_url": self.base_url,
            "timeout": self.timeout,
        }

    def client(self) -> KlarnaOrderManagement:
        """A sync client with these settings."""
        return KlarnaOrderManagement(**self.client_args())


def connection_options(command: F) -> F:
    """The options of every command: credentials, region, base URL, timeout and --json."""
    options = [
        click.option("--username", envvar="KLARNA_USERNAME", help="API username [KLARNA_USERNAME]"),
        click.option(
            "--password-file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="File holding the API password (else KLARNA_PASSWORD, else a prompt)",
        ),
        click.option(
            "--region", type=click.Choice(["eu", "na", "oc"]), help="Klarna region [KLARNA_REGION]"
        ),
        click.option(
            "--playground/--production",
            default=None,
            help="Klarna's test environment [KLARNA_PLAYGROUND]",
        ),
        click.option("--base-url", help="Another endpoint, e.g. the sandbox [KLARNA_BASE_URL]"),
        click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds"),
        click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def handled(write: bool) -> Callable[[F], F]:
    """Run a command: print its result, map errors to exit codes and messages."""

    def wrap(command: F) -> F:
        @functools.wraps(command)
        def run(**options: Any) -> None:
            settings = Settings(**{f.name: options.pop(f.name) for f in attrs.fields(Settings)})
            try:
                command(settings, **options)
            except (InvalidRequestError, ValueError) as exc:
                _fail(settings, USAGE, "invalid input (nothing was sent)", exc)
            except APIStatusError as exc:
                refused = 400 <= exc.status_code < 500 and exc.status_code not in (408, 429)
                code = REFUSED if refused or not write else UNKNOWN
                what = "Klarna refused" if refused else "Klarna failed"
                _fail(settings, code, what, exc)
            except (APIConnectionError, APIResponseValidationError) as exc:
                _fail(settings, UNKNOWN, "outcome unknown: no usable answer", exc)

        return run  # type: ignore[return-value]

    return wrap


def _fail(settings: Settings, code: int, what: str, exc: Exception) -> NoReturn:
    key = getattr(exc, "idempotency_key", None)
    message = f"{what}: {exc}"
    if code == UNKNOWN and key:
        message += (
            "\nThe change may have been applied. Retry it safely with the same key (Klarna "
            f"applies it once):\n  {_retry_command(key)}"
        )
    if settings.as_json:
        error: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)}
        for field in ("status_code", "error_code", "error_messages", "correlation_id", "field"):
            if getattr(exc, field, None) is not None:
                error[field] = getattr(exc, field)
        if key:
            error["idempotency_key"] = key
        click.echo(json.dumps({"error": error, "exit_code": code}))
    click.echo(message, err=True)
    sys.exit(code)


def _retry_command(key: str) -> str:
    args = list(sys.argv[1:])
    if "--idempotency-key" in args:
        index = args.index("--idempotency-key")
        del args[index : index + 2]
    args = [a for a in args if not a.startswith("--idempotency-key=")]
    return shlex.join(["klarna-om", *args, "--idempotency-key", key])


def _emit(settings: Settings, data: dict[str, Any], human: Callable[[Console], None]) -> None:
    if settings.as_json:
        click.echo(json.dumps(data, sort_keys=True))
    else:
        human(Console())


def _currency(client: KlarnaOrderManagement, order_id: str) -> str | None:
    try:
        return client.get_order(order_id).purchase_currency
    except KlarnaError:
        return None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="klarna-om", prog_name="klarna-om")
def cli() -> None:
    """Klarna Order Management from the command line: refunds, orders, due dates, batches.

    Credentials come from KLARNA_USERNAME and KLARNA_PASSWORD (or --username and
    --password-file, or a prompt); KLARNA_REGION, KLARNA_PLAYGROUND and KLARNA_BASE_URL pick the
    endpoint. Exit codes: 0 done, 1 Klarna refused, 2 invalid input (nothing sent), 3 outcome
    unknown (the message says how to retry safely).
    """


def _refund_human(
    created: RefundCreated, amount: int, currency: str | None
) -> Callable[[Console], None]:
    def show(console: Console) -> None:
        table = Table(show_header=False, box=None)
        table.add_row("refund_id", created.refund_id)
        table.add_row("order_id", created.order_id)
        table.add_row("amount", money(amount, currency))
        table.add_row("idempotency_key", created.idempotency_key)
        console.print("[bold]Refund created[/bold]")
        console.print(table)

    return show


@cli.command()
@click.argument("order_id")
@click.argument("amount", type=int)
@click.option("--line", "lines", multiple=True, help="An order line as JSON (repeat for more)")
@click.option("--return-fee", type=int, help="Charge a return fee (minor units), with --line")
@click.option("--reference", help="Your reference (also in Klarna's settlement files)")
@click.option("--description", help="Shown to the customer")
@click.option("--idempotency-key", help="Resend a refund whose outcome was unknown")
@connection_options
@handled(write=True)
def refund(
    settings: Settings,
    order_id: str,
    amount: int,
    lines: tuple[str, ...],
    return_fee: int | None,
    reference: str | None,
    description: str | None,
    idempotency_key: str | None,
) -> None:
    """Refund AMOUNT (minor units) of ORDER_ID, optionally with order lines and a return fee."""
    parsed = [_json_line(text) for text in lines]
    with settings.client() as client:
        if return_fee is not None:
            if not parsed:
                raise InvalidRequestError("--return-fee needs the returned lines (--line)")
            created = client.refund_with_return_fee(
                order_id,
                parsed,
                ReturnFee(return_fee),
                reference=reference,
                description=description,
                idempotency_key=idempotency_key,
            )
        else:
            created = client.refund_order(
                order_id,
                amount,
                order_lines=parsed or None,
                reference=reference,
                description=description,
                idempotency_key=idempotency_key,
            )
        currency = None if settings.as_json else _currency(client, order_id)
    _emit(settings, created.to_dict(), _refund_human(created, amount, currency))


def _json_line(text: str) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise InvalidRequestError("--line must be a JSON object", field="line") from None
    if not isinstance(value, dict):
        raise InvalidRequestError("--line must be a JSON object", field="line")
    return value


@cli.command("refund-return-fee")
@click.argument("order_id")
@click.argument("amount", type=int)
@click.option("--reference", help="Your reference")
@click.option("--description", help="Shown to the customer (default: Return fee refunded)")
@click.option("--idempotency-key", help="Resend a refund whose outcome was unknown")
@connection_options
@handled(write=True)
def refund_return_fee(
    settings: Settings,
    order_id: str,
    amount: int,
    reference: str | None,
    description: str | None,
    idempotency_key: str | None,
) -> None:
    """Give a charged return fee of AMOUNT (minor units) back to the customer of ORDER_ID."""
    with settings.client() as client:
        created = client.refund_return_fee(
            order_id,
            amount,
            reference=reference,
            description=description,
            idempotency_key=idempotency_key,
        )
        currency = None if settings.as_json else _currency(client, order_id)
    _emit(settings, created.to_dict(), _refund_human(created, amount, currency))


@cli.command("get-refund")
@click.argument("order_id")
@click.argument("refund_id")
@connection_options
@handled(write=False)
def get_refund(settings: Settings, order_id: str, refund_id: str) -> None:
    """Show one refund of ORDER_ID."""
    with settings.client() as client:
        found = client.get_refund(order_id, refund_id)
        currency = None if settings.as_json else _currency(client, order_id)

    def show(console: Console) -> None:
        table = Table(show_header=False, box=None)
        table.add_row("refund_id", found.refund_id or "-")
        table.add_row("refunded_amount", money(found.refunded_amount, currency))
        table.add_row("refunded_at", found.refunded_at.isoformat() if found.refunded_at else "-")
        table.add_row("reference", found.reference or "-")
        table.add_row("description", found.description or "-")
        console.print(table)
        _lines_table(console, found.order_lines or (), currency)

    _emit(settings, found.to_dict(), show)


def _lines_table(console: Console, lines: Any, currency: str | None) -> None:
    if not lines:
        return
    table = Table("name", "type", "quantity", "unit_price", "total_amount")
    for line in lines:
        table.add_row(
            line.name,
            str(line.type_ or "-"),
            str(line.quantity),
            money(line.unit_price, currency),
            money(line.total_amount, currency),
        )
    console.print(table)


@cli.command("get-order")
@click.argument("order_id")
@connection_options
@handled(write=False)
def get_order(settings: Settings, order_id: str) -> None:
    """Show ORDER_ID: its amounts, captures and refunds."""
    with settings.client() as client:
        order = client.get_order(order_id)
    currency = order.purchase_currency

    def show(console: Console) -> None:
        table = Table(show_header=False, box=None)
        table.add_row("order_id", order.order_id or "-")
        table.add_row("status", str(order.status or "-"))
        for name in ("order_amount", "captured_amount", "refunded_amount"):
            table.add_row(name, money(getattr(order, name), currency))
        table.add_row("remaining_authorized", money(order.remaining_authorized_amount, currency))
        console.print(table)
        captures = Table("capture_id", "captured_amount", "refunded_amount", title="captures")
        for capture in order.captures or ():
            captures.add_row(
                capture.capture_id or "-",
                money(capture.captured_amount, currency),
                money(capture.refunded_amount, currency),
            )
        console.print(captures)
        refunds = Table("refund_id", "refunded_amount", "reference", title="refunds")
        for item in order.refunds or ():
            refunds.add_row(
                item.refund_id or "-", money(item.refunded_amount, currency), item.reference or "-"
            )
        console.print(refunds)

    _emit(settings, order.to_dict(), show)


@cli.command()
@click.argument("order_id")
@click.option("--idempotency-key", help="Resend a release whose outcome was unknown")
@connection_options
@handled(write=True)
def release(settings: Settings, order_id: str, idempotency_key: str | None) -> None:
    """Release what is still authorized on ORDER_ID."""
    with settings.client() as client:
        raw = client.with_raw_response.release_remaining_authorization(
            order_id, idempotency_key=idempotency_key
        )
    data = {"order_id": order_id, "released": True, "idempotency_key": raw.idempotency_key}
    _emit(
        settings,
        data,
        lambda console: console.print(f"Released the remaining authorization of {order_id}"),
    )


@cli.command("extend-options")
@click.argument("order_id")
@click.argument("capture_id")
@connection_options
@handled(write=False)
def extend_options(settings: Settings, order_id: str, capture_id: str) -> None:
    """List by how many days CAPTURE_ID's due date can be extended, and the fees."""
    with settings.client() as client:
        options = client.get_extend_due_date_options(order_id, capture_id)

    def show(console: Console) -> None:
        table = Table("days", "fee")
        for option in options.options or ():
            table.add_row(str(option.number_of_days), money(option.amount, options.currency))
        console.print(table)

    _emit(settings, options.to_dict(), show)


@cli.command()
@click.argument("order_id")
@click.argument("capture_id")
@click.argument("days", type=int)
@click.option("--idempotency-key", help="Resend an extension whose outcome was unknown")
@connection_options
@handled(write=True)
def extend(
    settings: Settings, order_id: str, capture_id: str, days: int, idempotency_key: str | None
) -> None:
    """Extend CAPTURE_ID's due date by DAYS (one of extend-options' days)."""
    with settings.client() as client:
        raw = client.with_raw_response.extend_due_date(
            order_id, capture_id, days, idempotency_key=idempotency_key
        )
    data = {
        "order_id": order_id,
        "capture_id": capture_id,
        "number_of_days": days,
        "idempotency_key": raw.idempotency_key,
    }
    _emit(settings, data, lambda console: console.print(f"Extended {capture_id} by {days} days"))


@cli.command()
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite journal (default: CSV_FILE with .journal.sqlite3); the same one resumes",
)
@click.option("--concurrency", type=click.IntRange(1, 256), default=8, show_default=True)
@click.option(
    "--rate",
    type=click.FloatRange(0.1, 10_000),
    default=50.0,
    show_default=True,
    help="Requests per second (Klarna: 50 on the playground, 200 in production)",
)
@click.option("--dry-run", is_flag=True, help="Validate the file and stop")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Outcomes as CSV")
@connection_options
@handled(write=True)
def batch(
    settings: Settings,
    csv_file: Path,
    journal: Path | None,
    concurrency: int,
    rate: float,
    dry_run: bool,
    report: Path | None,
) -> None:
    """Refund every row of CSV_FILE, resumably.

    Columns: order_id, amount, reference; optional return_fee, description, lines (a JSON
    array of order lines). The whole file is validated first. Each row's idempotency key comes
    from its order_id and reference, and a journal records every send and outcome: running the
    same command again
    skips done and refused rows and re-sends the others with their keys (Klarna applies each
    refund once). Ctrl-C stops sending new rows and waits for those in flight.
    """
    rows, errors = read_rows(csv_file)
    if errors:
        for error in errors:
            click.echo(f"{csv_file}:{error.line}: {error.message}", err=True)
        click.echo(f"{len(errors)} bad rows; nothing was sent", err=True)
        if settings.as_json:
            click.echo(
                json.dumps({"errors": [{"line": e.line, "message": e.message} for e in errors]})
            )
        sys.exit(USAGE)
    if dry_run:
        total = sum(row.amount for row in rows)
        checked = {"rows": len(rows), "refunded_amount_total": total, "valid": True}
        _emit(settings, checked, lambda c: c.print(f"{len(rows)} rows valid; {total} minor units"))
        return
    journal_path = journal or csv_file.with_suffix(".journal.sqlite3")
    lock = _lock_journal(journal_path, settings)
    store = SQLiteJournal(str(journal_path))
    try:
        try:
            store.register([row.entry() for row in rows])
        except JournalMismatchError as exc:
            _usage_error(settings, str(exc))
        args = settings.client_args()
        progress, interrupted = asyncio.run(
            _run_batch(args, rows, store, concurrency, rate, settings.as_json)
        )
        entries = store.entries()
    finally:
        store.close()
        lock.close()
    if report is not None:
        write_report(report, entries)
    counts = summary(entries)
    resume = shlex.join(["klarna-om", *sys.argv[1:]])
    data: dict[str, Any] = {
        "rows": len(entries),
        "this_run": {
            "sent": progress.sent,
            "done": progress.done,
            "refused": progress.refused,
            "unknown": progress.unknown,
        },
        "states": counts,
        "journal": str(journal_path),
        "interrupted": interrupted,
    }

    def show(console: Console) -> None:
        console.print(
            f"{counts['done']} done, {counts['refused']} refused, {counts['unknown']} unknown, "
            f"{counts['pending'] + counts['in_flight']} not sent; journal {journal_path}"
        )
        if interrupted or counts["unknown"] or counts["pending"] or counts["in_flight"]:
            console.print(f"Resume (safe: the same keys are sent again):\n  {resume}")

    _emit(settings, data, show)
    if interrupted and not counts["unknown"]:
        sys.exit(INTERRUPTED)
    if counts["unknown"] or counts["pending"] or counts["in_flight"]:
        sys.exit(UNKNOWN)
    if counts["refused"]:
        sys.exit(REFUSED)


def _usage_error(settings: Settings, message: str) -> NoReturn:
    if settings.as_json:
        click.echo(json.dumps({"error": {"message": message}, "exit_code": USAGE}))
    click.echo(message, err=True)
    sys.exit(USAGE)


def _lock_journal(path: Path, settings: Settings) -> IO[bytes]:
    """Hold ``path``.lock for this run: two batches on one journal would mark each other's rows.

    The lock is the kernel's (``flock``): a batch that is killed releases it.
    """
    handle = open(f"{path}.lock", "wb")  # noqa: SIM115 (held until the run ends)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        _usage_error(settings, f"another batch is running on journal {path}; nothing was sent")
    return handle


async def _run_batch(
    args: dict[str, Any],
    rows: list[Any],
    store: SQLiteJournal,
    concurrency: int,
    rate: float,
    as_json: bool,
) -> tuple[Progress, bool]:
    stop = asyncio.Event()
    bucket = TokenBucket(rate)
    console = Console(stderr=True)
    live = console.is_terminal and not as_json
    bar = RichProgress(
        TextColumn("refunds"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeRemainingColumn(),
        console=console,
        disable=not live,
    )
    last_line = [0.0]

    def on_outcome(progress: Progress) -> None:
        detail = (
            f"done {progress.done} refused {progress.refused} unknown {progress.unknown} "
            f"{progress.rate:.0f}/s"
        )
        if live:
            bar.update(task, completed=progress.finished, detail=detail)
        elif not as_json and (progress.finished == progress.total or _due(last_line)):
            click.echo(f"{progress.finished}/{progress.total} {detail}", err=True)

    with bar:
        task = bar.add_task("refunds", total=len(store.to_send()), detail="")
        with stop_on_signals(stop):
            progress = await send_rows(
                lambda transport: AsyncKlarnaOrderManagement(**args, transport=transport),
                rows,
                store,
                concurrency=concurrency,
                bucket=bucket,
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
