"""A 429 storm against the in-process sandbox: bulk async refunds under Klarna's rate limit.

Used by ``tests/reliability/test_ratelimit_storm.py`` and ``bench/ratelimit_storm.py``. The
sandbox meters the merchant at ``limit`` requests per second with Klarna's headers
(``X-Ratelimit-*``, no ``Retry-After``); the job refunds every order once, ``CONCURRENCY`` at a
time, as a careful caller would: one key per refund, and a refund that still fails after the
client's own retries is tried again under the same key.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import attrs
import httpx

from klarna_om import (
    APIConnectionError,
    AsyncKlarnaOrderManagement,
    Pacer,
    RateLimitError,
    new_idempotency_key,
)
from klarna_om_sandbox import InProcessSandbox

AMOUNT = 1000
CONCURRENCY = 32
#: Tries of one refund (each with the client's own retries inside) before the run gives up.
TRIES = 30


@attrs.frozen
class Storm:
    """What one run did."""

    statuses: Counter[int]
    """The status of every attempt, retries included."""
    again: int
    """Refunds tried again (same key) after the client's retries ran out."""
    per_order: Counter[int]
    """How many orders ended with 0, 1, 2 ... refunds (only ``{1: count}`` is right)."""
    seconds: float
    slowdowns: int
    """How many times a 429 lowered the pacer's rate."""

    @property
    def calls(self) -> int:
        """Attempts sent."""
        return sum(self.statuses.values())

    @property
    def share_429(self) -> float:
        """The share of attempts answered 429."""
        return self.statuses[429] / self.calls

    def line(self, label: str) -> str:
        """One summary line."""
        return (
            f"429 storm, {label}: {self.statuses[201]} refunds, {self.calls} calls, "
            f"{self.statuses[429]} answered 429 ({self.share_429:.1%}), {self.again} tries "
            f"again, {self.slowdowns} pacer slowdowns; {self.seconds:.1f} s"
        )


class Counting(httpx.AsyncBaseTransport):
    """Counts the statuses of every attempt (retries included) under the client's retries."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.statuses: Counter[int] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.statuses[response.status_code] += 1
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def refund_all(
    sandbox: InProcessSandbox, orders: list[str], pacer: Pacer | None
) -> tuple[Counter[int], int]:
    """Refund each order once; the statuses of every attempt, and the tries beyond the first."""
    counting = Counting(sandbox.async_transport())
    again = 0
    async with AsyncKlarnaOrderManagement(
        sandbox.username,
        sandbox.password,
        base_url=sandbox.base_url,
        transport=counting,
        max_requests_per_second=pacer,
    ) as client:
        slots = asyncio.Semaphore(CONCURRENCY)

        async def refund(order_id: str) -> None:
            nonlocal again
            key = new_idempotency_key()
            async with slots:
                for _ in range(TRIES):
                    try:
                        await client.refund_order(order_id, AMOUNT, idempotency_key=key)
                        return
                    except (RateLimitError, APIConnectionError):
                        again += 1  # not refunded, or not known: the same key again is safe
                raise AssertionError(f"{order_id}: not refunded after {TRIES} tries")

        await asyncio.gather(*(refund(order_id) for order_id in orders))
    return counting.statuses, again


def refunds_per_order(sandbox: InProcessSandbox, orders: list[str]) -> Counter[int]:
    """How many orders have 0, 1, 2 ... refunds of AMOUNT (only ``{1: len(orders)}`` is right)."""
    counts: Counter[int] = Counter()
    for order_id in orders:
        refunds = sandbox.get_order(order_id)["refunds"]
        assert {r["refunded_amount"] for r in refunds} <= {AMOUNT}
        counts[len(refunds)] += 1
    return counts


def storm(count: int, limit: float, rate: float | None) -> Storm:
    """Refund ``count`` orders, paced at ``rate`` (None: unpaced), the sandbox at ``limit``."""
    pacer = None if rate is None else Pacer(rate)
    with InProcessSandbox(rate_limit=limit) as sandbox:
        orders = [
            sandbox.create_order(AMOUNT * 2, captures=[{"captured_amount": AMOUNT * 2}])["order_id"]
            for _ in range(count)
        ]
        started = time.monotonic()
        statuses, again = asyncio.run(refund_all(sandbox, orders, pacer))
        seconds = time.monotonic() - started
        per_order = refunds_per_order(sandbox, orders)
    slowdowns = 0 if pacer is None else pacer.slowdowns
    return Storm(statuses, again, per_order, seconds, slowdowns)
