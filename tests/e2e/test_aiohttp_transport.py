"""``AiohttpTransport``: the same results, errors and attempt counts as the default transport."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from klarna_om import (
    AiohttpTransport,
    APIConnectionError,
    APITimeoutError,
    AsyncKlarnaOrderManagement,
    AsyncRetryTransport,
    NotFoundError,
    RetryPolicy,
)
from klarna_om_sandbox import SandboxServer
from tests._support.data import TSHIRT

NO_WAIT = RetryPolicy(initial_delay=0.01, max_delay=0.01)


def _run(
    sandbox: SandboxServer,
    body: Callable[[AsyncKlarnaOrderManagement], Awaitable[Any]],
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Any,
) -> Any:
    async def main() -> Any:
        async with AsyncKlarnaOrderManagement(
            sandbox.username,
            sandbox.password,
            base_url=sandbox.base_url,
            transport=transport if transport is not None else AiohttpTransport(),
            **options,
        ) as client:
            return await body(client)

    return asyncio.run(main())


def test_every_operation_gives_what_the_default_transport_gives(
    klarna_sandbox: SandboxServer,
) -> None:
    def seeded() -> tuple[str, str]:
        order = klarna_sandbox.create_order(
            20000,
            order_lines=[TSHIRT],
            captures=[{"captured_amount": 10000, "order_lines": [TSHIRT]}],
        )
        return order["order_id"], order["capture_ids"][0]

    async def every_operation(client: AsyncKlarnaOrderManagement) -> list[Any]:
        order_id, capture_id = seeded()
        created = await client.refund_order(order_id, 1000, order_lines=None, reference="r")
        refund = await client.get_refund(order_id, created.refund_id)
        options = await client.get_extend_due_date_options(order_id, capture_id)
        await client.extend_due_date(order_id, capture_id, 10)
        await client.release_remaining_authorization(order_id)
        order = await client.get_order(order_id)
        return [
            (refund.refunded_amount, refund.reference),
            options.to_dict(),
            (order.refunded_amount, order.remaining_authorized_amount, str(order.status)),
        ]

    with_aiohttp = _run(klarna_sandbox, every_operation)
    with_default = _run(klarna_sandbox, every_operation, transport=httpx.AsyncHTTPTransport())
    assert (
        with_aiohttp
        == with_default
        == [
            (1000, "r"),
            {
                "currency": "EUR",
                "options": [
                    {"number_of_days": 2, "amount": 0},
                    {"number_of_days": 10, "amount": 195},
                    {"number_of_days": 30, "amount": 395},
                    {"number_of_days": 60, "amount": 695},
                ],
            },
            (1000, 0, "PART_CAPTURED"),
        ]
    )


def test_a_refused_connection_is_a_connection_error_after_every_attempt() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def main() -> None:
        transport = AsyncRetryTransport(
            AiohttpTransport(), policy=RetryPolicy(max_retries=2), sleep=sleep
        )
        async with AsyncKlarnaOrderManagement(
            "u", "p", base_url=closed, transport=transport
        ) as client:
            await client.get_order("o-1")

    with pytest.raises(APIConnectionError) as info:
        asyncio.run(main())
    assert not isinstance(info.value, APITimeoutError)
    assert len(waits) == 2  # three attempts, as the policy says


def test_a_dropped_pooled_connection_is_not_retried_behind_the_policy(
    klarna_sandbox: SandboxServer,
) -> None:
    order_id = klarna_sandbox.create_order(10000)["order_id"]

    async def body(client: AsyncKlarnaOrderManagement) -> None:
        await client.get_order(order_id)  # the connection is now pooled
        klarna_sandbox.add_fault("getOrder", "drop_before_commit")
        await client.get_order(order_id)  # aiohttp alone would re-send this once, silently

    with pytest.raises(APIConnectionError):
        _run(klarna_sandbox, body, retry_policy=RetryPolicy(max_retries=0))
    # with the policy's one retry, the second attempt succeeds
    klarna_sandbox.add_fault("getOrder", "drop_before_commit")
    found = _run(
        klarna_sandbox,
        lambda client: client.get_order(order_id),
        retry_policy=RetryPolicy(max_retries=1, initial_delay=0.01),
    )
    assert found.order_id == order_id


def test_statuses_timeouts_and_typed_errors(klarna_sandbox: SandboxServer) -> None:
    order_id = klarna_sandbox.create_order(10000, captures=[{"captured_amount": 10000}])["order_id"]
    klarna_sandbox.add_fault("refundOrder", "status", count=2, status=503)
    created = _run(klarna_sandbox, lambda c: c.refund_order(order_id, 100), retry_policy=NO_WAIT)
    assert [r["refund_id"] for r in klarna_sandbox.get_order(order_id)["refunds"]] == [
        created.refund_id
    ]
    klarna_sandbox.add_fault("refundOrder", "drop_after_commit")
    again = _run(klarna_sandbox, lambda c: c.refund_order(order_id, 100), retry_policy=NO_WAIT)
    assert len(klarna_sandbox.get_order(order_id)["refunds"]) == 2 and again.refund_id
    with pytest.raises(NotFoundError):
        _run(klarna_sandbox, lambda c: c.get_order("no-such-order"))
    klarna_sandbox.add_fault("getOrder", "delay_ms", count=3, delay_ms=400)
    with pytest.raises(APITimeoutError):
        _run(
            klarna_sandbox,
            lambda c: c.get_order(order_id),
            timeout=0.1,
            retry_policy=RetryPolicy(max_retries=1, initial_delay=0.01, total_timeout=1.0),
        )


def test_bulk_refunds_are_each_booked_once(klarna_sandbox: SandboxServer) -> None:
    order_id = klarna_sandbox.create_order(500 * 100, captures=[{"captured_amount": 500 * 100}])[
        "order_id"
    ]
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)

    async def bulk(client: AsyncKlarnaOrderManagement) -> list[str]:
        slots = asyncio.Semaphore(32)

        async def one() -> str:
            async with slots:
                return (await client.refund_order(order_id, 100)).refund_id

        return list(await asyncio.gather(*(one() for _ in range(300))))

    ids = _run(klarna_sandbox, bulk, transport=AiohttpTransport(limits=limits))
    booked = [r["refund_id"] for r in klarna_sandbox.get_order(order_id)["refunds"]]
    assert sorted(ids) == sorted(booked) and len(set(ids)) == 300


def test_limits_on_the_default_transport_and_not_with_your_own() -> None:
    client = AsyncKlarnaOrderManagement("u", "p", limits=httpx.Limits(max_connections=4))
    assert client._transport._inner._pool._max_connections == 4  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="limits configures the default transport"):
        AsyncKlarnaOrderManagement(
            "u", "p", limits=httpx.Limits(max_connections=4), transport=AiohttpTransport()
        )


def test_without_aiohttp_the_error_names_the_pip_command() -> None:
    code = (
        "import sys\nsys.modules['aiohttp'] = None\nimport klarna_om\n"
        "try:\n    klarna_om.AiohttpTransport()\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "AiohttpTransport needs aiohttp: pip install 'klarna-om[aiohttp]'\n",
        "",
    )


def _failure(exc: Exception) -> tuple[type[Exception], str]:
    import aiohttp

    from klarna_om._aiohttp import _mapped

    request = httpx.Request("GET", "http://127.0.0.1:9/x")
    mapped = _mapped(aiohttp, exc, request)
    return type(mapped), str(mapped)


def test_each_aiohttp_failure_maps_to_httpx_s_error_for_it() -> None:
    import aiohttp

    assert _failure(aiohttp.ConnectionTimeoutError()) == (
        httpx.ConnectTimeout,
        "connect timed out (ConnectionTimeoutError)",
    )
    assert _failure(aiohttp.ServerTimeoutError()) == (
        httpx.ReadTimeout,
        "read timed out (ServerTimeoutError)",
    )
    assert _failure(TimeoutError()) == (httpx.ReadTimeout, "read timed out (TimeoutError)")
    assert _failure(aiohttp.ServerDisconnectedError()) == (
        httpx.RemoteProtocolError,
        "server disconnected (ServerDisconnectedError)",
    )
    assert _failure(aiohttp.ClientPayloadError()) == (
        httpx.RemoteProtocolError,
        "server disconnected (ClientPayloadError)",
    )
    from multidict import CIMultiDict, CIMultiDictProxy
    from yarl import URL

    url = URL("http://127.0.0.1:9/x")
    info = aiohttp.RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict()), url)
    assert _failure(aiohttp.ClientResponseError(info, ())) == (
        httpx.RemoteProtocolError,
        "malformed response (ClientResponseError)",
    )
    assert _failure(aiohttp.ClientOSError()) == (
        httpx.ReadError,
        "connection error (ClientOSError)",
    )
    assert _failure(aiohttp.ClientError()) == (httpx.TransportError, "aiohttp error (ClientError)")
    bug = ValueError("a bug")
    assert _failure(bug) == (ValueError, "a bug")


def test_under_trio_it_says_it_runs_on_asyncio_only() -> None:
    import trio

    async def main() -> None:
        async with AsyncKlarnaOrderManagement(
            "u",
            "p",
            base_url="http://127.0.0.1:9",
            transport=AsyncRetryTransport(AiohttpTransport(), policy=RetryPolicy(max_retries=0)),
        ) as client:
            await client.get_order("o-1")

    with pytest.raises(RuntimeError, match="AiohttpTransport runs on asyncio only"):
        trio.run(main)
