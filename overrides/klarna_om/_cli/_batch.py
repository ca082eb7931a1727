"""``klarna-om batch``'s engine: send the journal's rows, paced, concurrently, resumably.

The file is read by ``_csvfile`` and compared with the journal by ``_journal.plan`` before this
runs. Each row goes out under the key the journal holds for it; a key first sent longer ago than
``reconcile_after`` is not trusted (Klarna forgets keys after 24 hours): the order is read
first, and the row is marked done when its refund is there, or sent under its next key
(``_rules``). The journal is written before each send and after each outcome. Sending is async,
with a concurrency limit, paced by the client's ``Pacer`` (every attempt, retries and reads
included; it slows down on a 429 and on an exhausted ``X-Ratelimit-Remaining``).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, cast

import attrs
import httpx

from .._async_client import AsyncKlarnaOrderManagement
from .._async_transport import AsyncRetryTransport
from .._errors import APIStatusError, AuthenticationError, KlarnaError
from .._pacer import Pacer
from .._results import RefundCreated
from ._csvfile import Row
from ._journal import TO_SEND, Entry, Identity, Journal, State
from ._rules import RECONCILE_AFTER, find_refund, key_expired, refund_key

if TYPE_CHECKING:
    from klarna_om_generated.models.order_line import OrderLineInput


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


def batch_transport(concurrency: int, pacer: Pacer | None) -> AsyncRetryTransport:
    """The batch's transport: pooled for ``concurrency``, every attempt paced by ``pacer``."""
    inner = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    )
    return AsyncRetryTransport(inner, pacer=pacer)


async def _unpaced() -> None:
    """``settle_row``'s ``pace`` when the transport's pacer paces every attempt."""


async def send_rows(
    client_factory: Callable[[httpx.AsyncBaseTransport], AsyncKlarnaOrderManagement],
    rows: Sequence[Row],
    journal: Journal,
    *,
    sender: Sender,
    concurrency: int,
    pacer: Pacer,
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
            settled = await settle_row(client, row, entry, store, sender, _unpaced)
        except Exception as exc:  # a bug: the outcome is unknown, the row is sent again later
            journal.mark_outcome(entry.identity, "unknown", None, type(exc).__name__)
            settled = Settled("unknown", None, type(exc).__name__, sent=True)
        finally:
            slots.release()
        progress.count(settled)
        if settled.stop:
            stop.set()
        on_outcome(progress)

    async with client_factory(batch_transport(concurrency, pacer)) as client:
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
