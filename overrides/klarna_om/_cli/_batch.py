"""``klarna-om batch``'s engine: send the journal's rows, paced, concurrently, resumably.

The file is read by ``_csvfile`` and compared with the journal by ``_journal.plan`` before this
runs. Each row goes out under the key the journal holds for it; a key first sent longer ago than
``reconcile_after`` is not trusted (Klarna forgets keys after 24 hours): the order is read
first, and the row is marked done when its refund is there, or sent under its next key
(``_rules``). The journal is written before each send and after each outcome. Sending is async,
with a concurrency limit and a token bucket that halves its rate on a 429 and recovers slowly.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

import attrs
import httpx

from .._async_client import AsyncKlarnaOrderManagement
from .._async_transport import AsyncRetryTransport
from .._errors import APIStatusError, AuthenticationError, KlarnaError
from .._results import RefundCreated
from ._csvfile import Row
from ._journal import TO_SEND, Entry, Identity, Journal, State
from ._rules import RECONCILE_AFTER, find_refund, key_expired, refund_key

if TYPE_CHECKING:
    from klarna_om_generated.models.order_line import OrderLineInput


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
    reconciled: int = 0
    started: float = attrs.field(factory=time.monotonic)

    def count(self, settled: Settled) -> None:
        """Add one row's outcome."""
        self.sent += settled.sent
        self.reconciled += settled.reconciled
        if settled.state == "done":
            self.done += 1
        elif settled.state == "refused":
            self.refused += 1
        else:
            self.unknown += 1

    @property
    def finished(self) -> int:
        """Rows with an outcome in this run."""
        return self.done + self.refused + self.unknown

    @property
    def rate(self) -> float:
        """Requests sent per second so far (over at least one second, so a start is no burst)."""
        return self.sent / max(time.monotonic() - self.started, 1.0)


@attrs.frozen
class Sender:
    """How rows are sent: who sends (the key's merchant), and when a key is no longer trusted.

    Args:
        merchant: The API username: part of every derived key.
        reconcile_after: Seconds after a key's first send from which the order is read first.
        clock: Wall-clock seconds (``time.time``; tests move it).
    """

    merchant: str
    reconcile_after: float = RECONCILE_AFTER
    clock: Callable[[], float] = time.time


class RowStore(Protocol):
    """What settling a row writes: the SQLite journal (``SyncStore``) or the PostgreSQL one."""

    async def mark_in_flight(self, identity: Identity) -> None:
        """Commit that the row's request is about to leave (its first send time too)."""

    async def mark_outcome(
        self, identity: Identity, state: State, refund_id: str | None, error: str | None
    ) -> None:
        """Commit the row's outcome."""

    async def renew_key(self, identity: Identity, key: str, generation: int) -> None:
        """Commit the row's next key."""


@attrs.frozen
class SyncStore:
    """A ``RowStore`` over a synchronous ``Journal`` (SQLite answers in microseconds)."""

    journal: Journal

    async def mark_in_flight(self, identity: Identity) -> None:
        """See ``RowStore``."""
        self.journal.mark_in_flight(identity)

    async def mark_outcome(
        self, identity: Identity, state: State, refund_id: str | None, error: str | None
    ) -> None:
        """See ``RowStore``."""
        self.journal.mark_outcome(identity, state, refund_id, error)

    async def renew_key(self, identity: Identity, key: str, generation: int) -> None:
        """See ``RowStore``."""
        self.journal.renew_key(identity, key, generation)


@attrs.frozen
class Settled:
    """How one row ended: its state, and what it took (for progress)."""

    state: State
    refund_id: str | None = None
    error: str | None = None
    reconciled: bool = False
    sent: bool = False
    stop: bool = False  # the credentials were refused: every other row would fail the same way


async def settle_row(
    client: AsyncKlarnaOrderManagement,
    row: Row,
    entry: Entry,
    store: RowStore,
    sender: Sender,
    pace: Callable[[], Awaitable[None]],
) -> Settled:
    """One row's whole rule, for every storage: reconcile an old key, send, record the outcome.

    ``pace`` is awaited before each request. A row done or refused is left as it is. Errors of
    the store propagate: the row keeps its last committed state and is settled again later.
    """
    if entry.state in ("done", "refused"):
        return Settled(entry.state, entry.refund_id, entry.error)
    identity = entry.identity
    reconciled = sent = False
    try:
        key = entry.key
        if entry.attempts and key_expired(
            entry.key_sent_at, sender.clock(), sender.reconcile_after
        ):
            await pace()
            settled = await _reconcile(client, row)
            reconciled = True
            if settled is not None:
                state, refund_id, error = settled
                await store.mark_outcome(identity, state, refund_id, error)
                return Settled(state, refund_id, error, reconciled=True)
            key = refund_key(sender.merchant, *identity, entry.generation + 1)
            await store.renew_key(identity, key, entry.generation + 1)
        await pace()
        await store.mark_in_flight(identity)
        sent = True
        created = await _send(client, row, key)
    except KlarnaError as exc:
        state, error = outcome_of(exc)
        await store.mark_outcome(identity, state, None, error)
        stop = isinstance(exc, AuthenticationError)
        return Settled(state, None, error, reconciled, sent, stop)
    await store.mark_outcome(identity, "done", created.refund_id, None)
    return Settled("done", created.refund_id, None, reconciled, sent)


def observed_transport(concurrency: int, bucket: TokenBucket | None) -> AsyncRetryTransport:
    """The batch's transport: pooled for ``concurrency``, telling ``bucket`` about 429s."""
    inner: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    )
    if bucket is not None:
        inner = _Observing(inner, bucket)
    return AsyncRetryTransport(inner)


async def send_rows(
    client_factory: Callable[[httpx.AsyncBaseTransport], AsyncKlarnaOrderManagement],
    rows: Sequence[Row],
    journal: Journal,
    *,
    sender: Sender,
    concurrency: int,
    bucket: TokenBucket,
    on_outcome: Callable[[Progress], None],
    stop: asyncio.Event,
) -> Progress:
    """Send the journal's rows still to send; stop taking new rows when ``stop`` is set.

    Only rows of ``rows`` are sent: a row the journal knows but the file no longer has is left.
    """
    by_identity = {(row.order_id, row.reference): row for row in rows}
    todo = [
        (by_identity[e.identity], e)
        for e in journal.entries()
        if e.state in TO_SEND and e.identity in by_identity
    ]
    progress = Progress(total=len(todo))
    slots = asyncio.Semaphore(concurrency)
    store = SyncStore(journal)

    async def one(client: AsyncKlarnaOrderManagement, row: Row, entry: Entry) -> None:
        try:
            settled = await settle_row(client, row, entry, store, sender, bucket.acquire)
        except Exception as exc:  # a bug: the outcome is unknown, the row is sent again later
            journal.mark_outcome(entry.identity, "unknown", None, type(exc).__name__)
            settled = Settled("unknown", None, type(exc).__name__, sent=True)
        finally:
            slots.release()
        progress.count(settled)
        if settled.stop:
            stop.set()
        on_outcome(progress)

    async with client_factory(observed_transport(concurrency, bucket)) as client:
        tasks: list[asyncio.Task[None]] = []
        for row, entry in todo:
            await slots.acquire()
            if stop.is_set():
                slots.release()
                break
            tasks.append(asyncio.create_task(one(client, row, entry)))
        await asyncio.gather(*tasks)
    return progress


async def _reconcile(
    client: AsyncKlarnaOrderManagement, row: Row
) -> tuple[State, str | None, str | None] | None:
    """Read the order: the row's outcome if its reference is already refunded, else None."""
    order = await client.get_order(row.order_id)
    found = find_refund(order.refunds or (), row.reference)
    if found is None:
        return None
    if found.refunded_amount == row.amount:
        return "done", found.refund_id, None
    return (
        "refused",
        found.refund_id,
        f"REFERENCE_USED: refund {found.refund_id} of {found.refunded_amount} has this reference",
    )


async def _send(client: AsyncKlarnaOrderManagement, row: Row, key: str) -> RefundCreated:
    if row.return_fee is not None:
        return await client.refund_with_return_fee(
            row.order_id,
            cast("list[OrderLineInput]", list(row.lines)),
            row.return_fee,
            reference=row.reference,
            description=row.description,
            idempotency_key=key,
        )
    return await client.refund_order(
        row.order_id,
        row.amount,
        order_lines=cast("list[OrderLineInput]", list(row.lines)) or None,
        reference=row.reference,
        description=row.description,
        idempotency_key=key,
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


def keys_for(merchant: str, rows: Sequence[Row]) -> dict[Identity, str]:
    """Each row's first key (``_rules.refund_key``)."""
    return {(r.order_id, r.reference): refund_key(merchant, r.order_id, r.reference) for r in rows}
