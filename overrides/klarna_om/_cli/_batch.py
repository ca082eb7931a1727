"""``klarna-om batch``: refunds from a CSV file, validated first, journaled, resumable.

Every row is checked before anything is sent (money checks, duplicates of order_id + reference).
Each row's idempotency key is derived from (order_id, reference): a re-run sends the same keys,
and Klarna applies each refund once. The journal (``_journal``) is written before each send and
after each outcome. Sending is async, with a concurrency limit and a token bucket that halves its
rate on a 429 and recovers slowly.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs
import httpx

from .._async_client import AsyncKlarnaOrderManagement
from .._async_transport import AsyncRetryTransport
from .._base_client import RefundCreated
from .._errors import APIStatusError, AuthenticationError, KlarnaError
from .._money import ReturnFee, check_refund, refund_with_return_fee_body
from .._validation import check_path_param, derive_idempotency_key
from ._journal import Entry, Journal, State

if TYPE_CHECKING:
    from klarna_om_generated.models.order_line import OrderLineInput

REQUIRED_COLUMNS = ("order_id", "amount", "reference")
OPTIONAL_COLUMNS = ("return_fee", "description", "lines")


@attrs.frozen
class Row:
    """A validated CSV row: what to send and under which key."""

    line: int
    order_id: str
    amount: int
    reference: str
    key: str
    lines: tuple[dict[str, Any], ...] = ()
    return_fee: int | None = None
    description: str | None = None

    def entry(self) -> Entry:
        """The row's initial journal entry."""
        return Entry(self.line, self.order_id, self.reference, self.key)


@attrs.frozen
class RowError:
    """Why a CSV row cannot be sent (its 1-based line in the file)."""

    line: int
    message: str


def _int(text: str, column: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise ValueError(f"{column} must be a whole number of minor units")
    return int(text)


def read_rows(path: Path) -> tuple[list[Row], list[RowError]]:
    """Every row of the CSV, validated; or the errors, each with its line number."""
    rows: list[Row] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        unknown = sorted(columns - set(REQUIRED_COLUMNS) - set(OPTIONAL_COLUMNS))
        if missing or unknown:
            message = (
                f"the header needs {', '.join(REQUIRED_COLUMNS)}"
                f" (optional: {', '.join(OPTIONAL_COLUMNS)})"
            )
            if missing:
                message += f"; missing: {', '.join(missing)}"
            if unknown:
                message += f"; unknown: {', '.join(unknown)}"
            return [], [RowError(1, message)]
        for record in reader:
            line = reader.line_num
            try:
                row = _row(line, record)
            except (KlarnaError, ValueError) as exc:
                errors.append(RowError(line, str(exc)))
                continue
            first = seen.setdefault((row.order_id, row.reference), line)
            if first != line:
                errors.append(
                    RowError(line, f"order_id and reference repeat line {first}: one refund each")
                )
                continue
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(1, "the file has no rows"))
    return rows, errors


def _row(line: int, record: dict[str, str | None]) -> Row:
    def text(column: str) -> str:
        return (record.get(column) or "").strip()

    order_id = check_path_param("order_id", text("order_id"))
    reference = text("reference")
    if not reference:
        raise ValueError("reference is required: it makes the row's idempotency key")
    amount = _int(text("amount"), "amount")
    description = text("description") or None
    lines: list[dict[str, Any]] = []
    if text("lines"):
        try:
            parsed = json.loads(text("lines"))
        except json.JSONDecodeError:
            raise ValueError("lines must be a JSON array of order lines") from None
        if not isinstance(parsed, list) or not all(isinstance(x, dict) for x in parsed):
            raise ValueError("lines must be a JSON array of order lines")
        lines = parsed
    fee = _int(text("return_fee"), "return_fee") if text("return_fee") else None
    if fee is not None:
        if not lines:
            raise ValueError("return_fee needs the returned lines (column lines)")
        body = refund_with_return_fee_body(
            cast("list[OrderLineInput]", lines),
            ReturnFee(fee),
            reference=reference,
            description=description,
        )
        if body["refunded_amount"] != amount:
            raise ValueError(
                f"amount is {amount}, but the lines minus the return fee are "
                f"{body['refunded_amount']}"
            )
    else:
        check_refund(amount, lines or None, reference=reference, description=description)
    key = derive_idempotency_key(order_id, "refund", reference)
    return Row(line, order_id, amount, reference, key, tuple(lines), fee, description)


class TokenBucket:
    """At most ``rate`` sends per second on average; a 429 halves the rate, which then recovers.

    Args:
        rate: Requests per second.
        clock: Monotonic seconds (injected by tests).
        sleep: Waits (injected by tests).
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.max_rate = rate
        self.rate = rate
        self.capacity = max(1.0, rate / 10)
        self.tokens = self.capacity
        self.clock = clock
        self.sleep = sleep
        self.updated = clock()
        self.slowed_at = float("-inf")
        self.slowdowns = 0

    def _refill(self) -> None:
        now = self.clock()
        if now - self.slowed_at > 5 and self.rate < self.max_rate:
            self.rate = min(self.max_rate, self.rate * 1.25)  # recover a quarter per quiet spell
            self.slowed_at = now - 4
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    async def acquire(self) -> None:
        """Wait for a token."""
        while True:
            self._refill()
            if self.tokens >= 1:
                self.tokens -= 1
                return
            await self.sleep((1 - self.tokens) / self.rate)

    def slow_down(self) -> None:
        """Klarna said 429: halve the rate (not below one request per second)."""
        self.rate = max(1.0, self.rate / 2)
        self.tokens = min(self.tokens, 0.0)
        self.slowed_at = self.clock()
        self.slowdowns += 1


class _Observing(httpx.AsyncBaseTransport):
    """Tells the bucket about every 429 an attempt gets, retried ones included."""

    def __init__(self, inner: httpx.AsyncBaseTransport, bucket: TokenBucket) -> None:
        self._inner = inner
        self._bucket = bucket

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if response.status_code == 429:
            self._bucket.slow_down()
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def outcome_of(exc: BaseException) -> tuple[State, str]:
    """A failed row's state and error: refused for a 4xx answer, else unknown (re-sent later)."""
    if (
        isinstance(exc, APIStatusError)
        and 400 <= exc.status_code < 500
        and exc.status_code not in (401, 408, 409, 429)  # 401: the credentials, not the row
    ):
        return "refused", exc.error_code or f"HTTP {exc.status_code}"
    return "unknown", type(exc).__name__


@attrs.define
class Progress:
    """What a run did, for the progress display and the final summary."""

    total: int
    done: int = 0
    refused: int = 0
    unknown: int = 0
    sent: int = 0
    started: float = attrs.field(factory=time.monotonic)

    @property
    def finished(self) -> int:
        """Rows with an outcome in this run."""
        return self.done + self.refused + self.unknown

    @property
    def rate(self) -> float:
        """Outcomes per second so far."""
        return self.finished / max(time.monotonic() - self.started, 1e-9)


async def send_rows(
    client_factory: Callable[[httpx.AsyncBaseTransport], AsyncKlarnaOrderManagement],
    rows: Sequence[Row],
    journal: Journal,
    *,
    concurrency: int,
    bucket: TokenBucket,
    on_outcome: Callable[[Progress], None],
    stop: asyncio.Event,
) -> Progress:
    """Send the journal's rows still to send; stop taking new rows when ``stop`` is set."""
    by_line = {row.line: row for row in rows}
    todo = [by_line[e.line] for e in journal.to_send()]
    progress = Progress(total=len(todo))
    slots = asyncio.Semaphore(concurrency)
    transport = AsyncRetryTransport(
        _Observing(
            httpx.AsyncHTTPTransport(
                limits=httpx.Limits(
                    max_connections=concurrency, max_keepalive_connections=concurrency
                )
            ),
            bucket,
        )
    )

    async def one(client: AsyncKlarnaOrderManagement, row: Row) -> None:
        try:
            created = await _send(client, row)
        except KlarnaError as exc:
            state, error = outcome_of(exc)
            journal.mark_outcome(row.line, state, None, error)
            if isinstance(exc, AuthenticationError):  # every other row would fail the same way
                stop.set()
            if state == "refused":
                progress.refused += 1
            else:
                progress.unknown += 1
        except Exception as exc:  # a bug: the outcome is unknown, the row is re-sent later
            journal.mark_outcome(row.line, "unknown", None, type(exc).__name__)
            progress.unknown += 1
        else:
            journal.mark_outcome(row.line, "done", created.refund_id, None)
            progress.done += 1
        finally:
            slots.release()
            on_outcome(progress)

    async with client_factory(transport) as client:
        tasks: list[asyncio.Task[None]] = []
        for row in todo:
            await slots.acquire()
            if stop.is_set():
                slots.release()
                break
            await bucket.acquire()
            if stop.is_set():
                slots.release()
                break
            journal.mark_in_flight(row.line)
            progress.sent += 1
            tasks.append(asyncio.create_task(one(client, row)))
        await asyncio.gather(*tasks)
    return progress


async def _send(client: AsyncKlarnaOrderManagement, row: Row) -> RefundCreated:
    if row.return_fee is not None:
        return await client.refund_with_return_fee(
            row.order_id,
            cast("list[OrderLineInput]", list(row.lines)),
            row.return_fee,
            reference=row.reference,
            description=row.description,
            idempotency_key=row.key,
        )
    return await client.refund_order(
        row.order_id,
        row.amount,
        order_lines=cast("list[OrderLineInput]", list(row.lines)) or None,
        reference=row.reference,
        description=row.description,
        idempotency_key=row.key,
    )


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """Set ``stop`` on Ctrl-C or SIGTERM while the block runs (inside the event loop)."""
    loop = asyncio.get_running_loop()
    wanted = (signal.SIGINT, signal.SIGTERM)
    for number in wanted:
        loop.add_signal_handler(number, stop.set)
    try:
        yield
    finally:
        for number in wanted:
            loop.remove_signal_handler(number)


def write_report(path: Path, entries: Sequence[Entry]) -> None:
    """The outcome of every row, as CSV."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["line", "order_id", "reference", "state", "refund_id", "error", "idempotency_key"]
        )
        for e in entries:
            writer.writerow(
                [e.line, e.order_id, e.reference, e.state, e.refund_id or "", e.error or "", e.key]
            )
