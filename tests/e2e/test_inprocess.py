"""The in-process sandbox behaves as the sandbox on a port: the same story, the same outcomes.

One scenario (refunds, Klarna's refusals, every fault kind, idempotent replay, keys expiring
with the clock) runs against ``klarna_sandbox`` (a loopback port) and
``klarna_sandbox_inprocess`` (httpx transports into the same app), sync and async; both traces
must be equal, and equal to the expected one. Every request and response is checked by spec/.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from klarna_om import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncKlarnaOrderManagement,
    AsyncRetryTransport,
    KlarnaOrderManagement,
    RetryPolicy,
    RetryTransport,
)
from klarna_om_sandbox import InProcessSandbox, SandboxServer
from klarna_om_sandbox._inprocess import INPROCESS_BASE_URL
from tests._support.data import TSHIRT
from tests._support.openapi_check import SpecCheckingTransport

EXPECTED = [
    ("refund", 201, 2500),
    ("over refund", 403, "REFUND_NOT_ALLOWED"),
    ("unknown order", 404, "NOT_FOUND"),
    ("wrong password", 401, "UNAUTHORIZED"),
    ("drop_after_commit, retried", 201, 500),
    ("drop_before_commit, retried", 201, 500),
    ("503 then success", 201, 100),
    ("html_502", 502, None),
    ("same key again", 201, "same refund"),
    ("key after 25 h", 201, "new refund"),
    ("refunded", 200, [2500, 500, 500, 100, 100, 100]),
    ("delay over the read timeout", "timeout", None),
    ("drop with no retries", "connection", None),
]


def _sync_trace(sandbox: SandboxServer, inner: httpx.BaseTransport) -> list[tuple[Any, ...]]:
    sleeps: list[float] = []

    def client(password: str | None = None, retries: int = 2) -> KlarnaOrderManagement:
        checked = SpecCheckingTransport(inner, responses=True)
        return KlarnaOrderManagement(
            sandbox.username,
            password or sandbox.password,
            base_url=sandbox.base_url,
            transport=RetryTransport(
                checked, policy=RetryPolicy(max_retries=retries), sleep=sleeps.append
            ),
        )

    order = sandbox.create_order(10000, captures=[{"captured_amount": 10000}])
    order_id = order["order_id"]
    trace: list[tuple[Any, ...]] = []
    klarna = client()

    def status(name: str, call: Any) -> None:
        try:
            call()
        except APIStatusError as err:
            trace.append((name, err.status_code, err.error_code))
        except APITimeoutError:
            trace.append((name, "timeout", None))
        except APIConnectionError:
            trace.append((name, "connection", None))

    first = klarna.refund_order(order_id, 2500)
    trace.append(("refund", 201, sandbox.get_order(order_id)["refunded_amount"]))
    status("over refund", lambda: klarna.refund_order(order_id, 9000))
    status("unknown order", lambda: klarna.refund_order("unknown-order", 100))
    status("wrong password", lambda: client(password="wrong").get_order(order_id))
    for kind in ("drop_after_commit", "drop_before_commit"):
        sandbox.add_fault("refundOrder", kind)
        klarna.refund_order(order_id, 500)
        trace.append(
            (f"{kind}, retried", 201, sandbox.get_order(order_id)["refunds"][-1]["refunded_amount"])
        )
    sandbox.add_fault("refundOrder", "status", status=503)
    klarna.refund_order(order_id, 100)
    trace.append(("503 then success", 201, 100))
    sandbox.add_fault("getOrder", "html_502", count=3)
    status("html_502", lambda: klarna.get_order(order_id))
    again = klarna.refund_order(order_id, 100, idempotency_key="key-1")
    replay = klarna.refund_order(order_id, 100, idempotency_key="key-1")
    trace.append(
        ("same key again", 201, "same refund" if again.refund_id == replay.refund_id else "two")
    )
    sandbox.advance_clock(25 * 3600)
    late = klarna.refund_order(order_id, 100, idempotency_key="key-1")
    trace.append(
        ("key after 25 h", 201, "new refund" if late.refund_id != again.refund_id else "same")
    )
    refunds = klarna.get_order(order_id).refunds or ()
    trace.append(("refunded", 200, [r.refunded_amount for r in refunds]))
    sandbox.add_fault("getOrder", "delay_ms", delay_ms=3000)
    slow = klarna.with_options(timeout=0.2, max_retries=0)
    status("delay over the read timeout", lambda: slow.get_order(order_id))
    sandbox.add_fault("getOrder", "drop_before_commit")
    status("drop with no retries", lambda: client(retries=0).get_order(order_id))
    assert first.refund_id != late.refund_id
    assert len(sleeps) == 2 + 1 + 2  # the two drops, the 503, the 502 twice
    klarna.close()
    return trace


def test_the_inprocess_sandbox_answers_as_the_server_does(
    klarna_sandbox: SandboxServer, klarna_sandbox_inprocess: InProcessSandbox
) -> None:
    over_the_port = _sync_trace(klarna_sandbox, httpx.HTTPTransport())
    in_process = _sync_trace(klarna_sandbox_inprocess, klarna_sandbox_inprocess.transport())
    assert over_the_port == in_process == EXPECTED


def test_the_async_transport_answers_as_the_server_does(
    klarna_sandbox: SandboxServer, klarna_sandbox_inprocess: InProcessSandbox
) -> None:
    async def trace(sandbox: SandboxServer, inner: httpx.AsyncBaseTransport) -> list[Any]:
        sleeps: list[float] = []
        transport = AsyncRetryTransport(
            SpecCheckingTransport(inner, responses=True), sleep=_async_recorder(sleeps)
        )
        order = sandbox.create_order(10000, captures=[{"captured_amount": 10000}])
        seen: list[Any] = []
        async with AsyncKlarnaOrderManagement(
            sandbox.username, sandbox.password, base_url=sandbox.base_url, transport=transport
        ) as klarna:
            sandbox.add_fault("refundOrder", "drop_after_commit")
            created = await klarna.refund_order(order["order_id"], 1000)
            seen.append(sandbox.get_order(order["order_id"])["refunded_amount"])
            sandbox.add_fault("*", "delay_ms", delay_ms=3000)
            try:
                await klarna.with_options(timeout=0.2, max_retries=0).get_order(order["order_id"])
            except APITimeoutError:
                seen.append("timeout")
            refund = await klarna.get_refund(order["order_id"], created.refund_id)
            seen += [refund.refunded_amount, len(sleeps)]
        return seen

    async def both() -> tuple[list[Any], list[Any]]:
        return (
            await trace(klarna_sandbox, httpx.AsyncHTTPTransport()),
            await trace(klarna_sandbox_inprocess, klarna_sandbox_inprocess.async_transport()),
        )

    assert asyncio.run(both()) == ([1000, "timeout", 1000, 1], [1000, "timeout", 1000, 1])


def _async_recorder(sleeps: list[float]) -> Any:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return sleep


def test_client_options_give_credentials_url_and_a_transport(
    klarna_sandbox_inprocess: InProcessSandbox,
) -> None:
    options = klarna_sandbox_inprocess.client_options()
    assert {k: v for k, v in options.items() if k != "transport"} == {
        "username": "sandbox",
        "password": "sandbox",
        "base_url": INPROCESS_BASE_URL,
    }
    order = klarna_sandbox_inprocess.create_order(
        10000, order_lines=[TSHIRT], captures=[{"captured_amount": 10000, "order_lines": [TSHIRT]}]
    )
    with KlarnaOrderManagement(**options) as klarna:
        klarna.refund_order(order["order_id"], 10000, order_lines=[TSHIRT])
    assert klarna_sandbox_inprocess.get_order(order["order_id"])["refunded_amount"] == 10000


def test_the_sync_transport_serves_several_threads_and_restarts_after_close() -> None:
    with InProcessSandbox(username="merchant", password="secret") as sandbox:
        order = sandbox.create_order(10000, captures=[{"captured_amount": 10000}])
        options = sandbox.client_options()
        with KlarnaOrderManagement(**options) as k:
            threads = [
                threading.Thread(target=k.refund_order, args=(order["order_id"], 100))
                for _ in range(8)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        # The client closed the transport (its loop thread stopped); it serves again on demand.
        with KlarnaOrderManagement(**options) as k:
            assert k.get_order(order["order_id"]).refunded_amount == 800


def test_the_inprocess_sandbox_has_no_port_and_no_server_thread() -> None:
    before = {t.name for t in threading.enumerate()}
    with InProcessSandbox() as sandbox:
        assert sandbox.base_url == "http://localhost"
        assert {t.name for t in threading.enumerate()} - before == set()
    with pytest.raises(TypeError):
        InProcessSandbox(port=8089)  # type: ignore[call-arg]
