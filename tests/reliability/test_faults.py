"""Refunds through a fault-injecting proxy: every order is refunded exactly once, sync and async."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from klarna_om import (
    APIConnectionError,
    AsyncKlarnaOrderManagement,
    ConflictError,
    InternalServerError,
    KlarnaOrderManagement,
    NotFoundError,
    RefundCreated,
    RetryPolicy,
    derive_idempotency_key,
)
from klarna_om_sandbox import SandboxServer
from tests.reliability.fault_proxy import FAULT_KINDS, FaultPlan, FaultProxy

ORDERS = 80
GIVE_UP_ORDERS = 16
AMOUNT = 1000
TIMEOUT = httpx.Timeout(0.3, connect=0.3)  # the proxy stalls 0.6 s: a stall is a read timeout
POLICY = RetryPolicy(max_retries=3, initial_delay=0.01, max_delay=0.05)
PLAN = FaultPlan(rate=0.35, stall_seconds=0.6)
#: What a call may end with once its retries are spent. A refund's error must carry its key;
#: ConflictError only if a retry overtook an attempt still in flight in the sandbox.
GIVE_UP_ERRORS = (APIConnectionError, InternalServerError, ConflictError)
#: One line per scenario, written into pytest's terminal summary by conftest.py.
SUMMARIES: list[str] = []


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as sb:
        yield sb


@dataclass
class Ledger:
    """What the client reported, call by call, and what must be done again fault-free."""

    calls: int = 0
    refund_ids: dict[str, str] = field(default_factory=dict)
    read_amounts: dict[str, object] = field(default_factory=dict)
    keys_on_results: dict[str, str] = field(default_factory=dict)
    refunds_to_redo: dict[str, str] = field(default_factory=dict)  # order_id -> carried key
    reads_to_redo: list[str] = field(default_factory=list)
    applied_before_redo: list[str] = field(default_factory=list)
    gave_up: Counter[str] = field(default_factory=Counter)
    contract_breaches: list[str] = field(default_factory=list)

    def created(self, order_id: str, result: RefundCreated) -> None:
        self.refund_ids[order_id] = result.refund_id
        self.keys_on_results[order_id] = result.idempotency_key

    def refund_failed(self, order_id: str, key: str, exc: Exception) -> None:
        self.gave_up[f"refund {type(exc).__name__}"] += 1
        carried = getattr(exc, "idempotency_key", None)
        if not isinstance(exc, GIVE_UP_ERRORS) or carried != key:
            self.contract_breaches.append(
                f"refund {order_id}: {type(exc).__module__}.{type(exc).__name__} "
                f"idempotency_key={carried!r}: {exc}"
            )
        self.refunds_to_redo[order_id] = carried if isinstance(carried, str) else key

    def read_failed(self, order_id: str, exc: Exception) -> None:
        self.gave_up[f"read {type(exc).__name__}"] += 1
        if not isinstance(exc, GIVE_UP_ERRORS):
            self.contract_breaches.append(
                f"get_refund {order_id}: {type(exc).__module__}.{type(exc).__name__}: {exc}"
            )
        self.reads_to_redo.append(order_id)

    def before_redo(self, sb: SandboxServer) -> None:
        self.applied_before_redo = [o for o in self.refunds_to_redo if sb.get_order(o)["refunds"]]


def _key(order_id: str) -> str:
    return derive_idempotency_key(order_id, "reliability")


def _run_sync(sb: SandboxServer, proxy: FaultProxy, order_ids: list[str]) -> Ledger:
    ledger = Ledger()
    with KlarnaOrderManagement(
        sb.username, sb.password, base_url=proxy.url, timeout=TIMEOUT, retry_policy=POLICY
    ) as klarna:
        for order_id in order_ids:
            ledger.calls += 1
            try:
                created = klarna.refund_order(order_id, AMOUNT, idempotency_key=_key(order_id))
            except Exception as exc:
                ledger.refund_failed(order_id, _key(order_id), exc)
                continue
            ledger.created(order_id, created)
            ledger.calls += 1
            try:
                refund = klarna.get_refund(order_id, created.refund_id)
            except Exception as exc:
                ledger.read_failed(order_id, exc)
            else:
                ledger.read_amounts[order_id] = refund.refunded_amount
    ledger.before_redo(sb)
    with KlarnaOrderManagement(sb.username, sb.password, base_url=sb.base_url) as direct:
        for order_id, key in ledger.refunds_to_redo.items():  # later, without faults, same key
            ledger.created(order_id, direct.refund_order(order_id, AMOUNT, idempotency_key=key))
            ledger.reads_to_redo.append(order_id)
        for order_id in ledger.reads_to_redo:
            refund = direct.get_refund(order_id, ledger.refund_ids[order_id])
            ledger.read_amounts[order_id] = refund.refunded_amount
    return ledger


async def _run_async(sb: SandboxServer, proxy: FaultProxy, order_ids: list[str]) -> Ledger:
    ledger = Ledger()
    async with AsyncKlarnaOrderManagement(
        sb.username, sb.password, base_url=proxy.url, timeout=TIMEOUT, retry_policy=POLICY
    ) as klarna:
        for order_id in order_ids:
            ledger.calls += 1
            try:
                created = await klarna.refund_order(
                    order_id, AMOUNT, idempotency_key=_key(order_id)
                )
            except Exception as exc:
                ledger.refund_failed(order_id, _key(order_id), exc)
                continue
            ledger.created(order_id, created)
            ledger.calls += 1
            try:
                refund = await klarna.get_refund(order_id, created.refund_id)
            except Exception as exc:
                ledger.read_failed(order_id, exc)
            else:
                ledger.read_amounts[order_id] = refund.refunded_amount
    ledger.before_redo(sb)
    async with AsyncKlarnaOrderManagement(sb.username, sb.password, base_url=sb.base_url) as direct:
        for order_id, key in ledger.refunds_to_redo.items():
            created = await direct.refund_order(order_id, AMOUNT, idempotency_key=key)
            ledger.created(order_id, created)
            ledger.reads_to_redo.append(order_id)
        for order_id in ledger.reads_to_redo:
            refund = await direct.get_refund(order_id, ledger.refund_ids[order_id])
            ledger.read_amounts[order_id] = refund.refunded_amount
    return ledger


def _warm_up(sb: SandboxServer) -> None:
    """One direct request first, so the sandbox's first-request setup eats no client timeout."""
    with (
        KlarnaOrderManagement(sb.username, sb.password, base_url=sb.base_url) as direct,
        pytest.raises(NotFoundError),
    ):
        direct.get_refund("warm-up", "warm-up")


def _scenario(
    flavour: str, sb: SandboxServer, orders: int, seed: int, plan: FaultPlan
) -> tuple[FaultProxy, Ledger, list[str]]:
    """Refund ``orders`` orders through the proxy, redo the failed ones, check, summarize."""
    order_ids = [
        sb.create_order(10000, captures=[{"captured_amount": 10000}])["order_id"]
        for _ in range(orders)
    ]
    _warm_up(sb)
    started = time.monotonic()
    with FaultProxy(sb.base_url, seed=seed, plan=plan) as proxy:
        if flavour == "sync":
            ledger = _run_sync(sb, proxy, order_ids)
        else:
            ledger = asyncio.run(_run_async(sb, proxy, order_ids))
    seconds = time.monotonic() - started
    booked = {
        order_id: [
            (r["refund_id"], r["refunded_amount"]) for r in sb.get_order(order_id)["refunds"]
        ]
        for order_id in order_ids
    }
    duplicates = sum(max(0, len(refunds) - 1) for refunds in booked.values())
    lost = sum(1 for refunds in booked.values() if not refunds)
    line = (
        f"reliability[{flavour}, rate={plan.rate}, seed={seed}]: {ledger.calls} calls, "
        f"{proxy.total_attempts} attempts ({dict(proxy.attempts)}), "
        f"{proxy.total_attempts - ledger.calls} retries; faults {dict(proxy.faults)}; "
        f"gave up {dict(ledger.gave_up)}; redone fault-free: {len(ledger.refunds_to_redo)} "
        f"refunds ({len(ledger.applied_before_redo)} already applied); "
        f"duplicates={duplicates} lost={lost}; {seconds:.1f} s"
    )
    SUMMARIES.append(line)
    print(line)

    assert (ledger.contract_breaches, proxy.errors) == ([], [])
    assert booked == {order_id: [(ledger.refund_ids[order_id], AMOUNT)] for order_id in order_ids}
    assert {order_id: sb.get_order(order_id)["refunded_amount"] for order_id in order_ids} == (
        dict.fromkeys(order_ids, AMOUNT)
    )
    assert ledger.read_amounts == dict.fromkeys(order_ids, AMOUNT)
    assert ledger.keys_on_results == {order_id: _key(order_id) for order_id in order_ids}
    return proxy, ledger, order_ids


@pytest.mark.parametrize(("flavour", "seed"), [("sync", 20261126), ("async", 20261127)])
def test_refunds_through_random_faults_happen_exactly_once(
    sandbox: SandboxServer, flavour: str, seed: int
) -> None:
    proxy, ledger, _ = _scenario(flavour, sandbox, ORDERS, seed, PLAN)
    # Not vacuous: every fault kind and variant happened, and retries were needed.
    assert {kind for kind, count in proxy.faults.items() if count > 0} == set(FAULT_KINDS)
    variants = {"reset:before", "reset:after", "cut_body:body", "cut_body:head"}
    assert {v for v in variants if proxy.variants[v] > 0} == variants
    assert proxy.total_attempts > ledger.calls


@pytest.mark.parametrize(("flavour", "seed"), [("sync", 7), ("async", 8)])
def test_refunds_that_gave_up_complete_later_with_their_key(
    sandbox: SandboxServer, flavour: str, seed: int
) -> None:
    plan = FaultPlan(rate=1.0, kinds=tuple(k for k in FAULT_KINDS if k != "slow_bytes"))
    proxy, ledger, order_ids = _scenario(flavour, sandbox, GIVE_UP_ORDERS, seed, plan)
    # Every attempt failed, so every refund gave up; some had been applied, some had not.
    assert (ledger.calls, proxy.total_attempts) == (
        GIVE_UP_ORDERS,
        GIVE_UP_ORDERS * (POLICY.max_retries + 1),
    )
    assert list(ledger.refunds_to_redo) == order_ids
    assert 0 < len(ledger.applied_before_redo) < GIVE_UP_ORDERS
