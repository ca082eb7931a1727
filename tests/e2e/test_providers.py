"""The client as Kustom against the sandbox as Kustom: what Kustom serves works, the rest is
refused before anything is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from klarna_om import (
    AsyncKlarnaOrderManagement,
    KlarnaOrderManagement,
    UnsupportedOperationError,
)
from klarna_om_sandbox import SandboxServer
from tests.e2e.conftest import (
    ClientFactory,
    async_checked_transport,
    checked_transport,
    one_capture_order,
)


@pytest.fixture
def provider() -> str:
    """Every test of this module: the sandbox plays Kustom."""
    return "kustom"


class Counting(httpx.BaseTransport):
    """Counts the requests that reach the network (the sandbox) through it."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.sent = inner, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncCounting(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.sent = inner, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def kustom(klarna_sandbox: SandboxServer) -> Iterator[tuple[KlarnaOrderManagement, Counting]]:
    counting = Counting(checked_transport())
    with KlarnaOrderManagement(
        klarna_sandbox.username,
        klarna_sandbox.password,
        provider="kustom",
        base_url=klarna_sandbox.base_url,
        transport=counting,
    ) as client:
        yield client, counting


def test_refund_get_order_and_release_work_as_kustom(
    klarna_sandbox: SandboxServer, make_client: ClientFactory
) -> None:
    assert klarna_sandbox.provider == "kustom"
    client = make_client(provider="kustom")
    order = one_capture_order(klarna_sandbox)
    created = client.refund_order(order["order_id"], 4000, reference="k-1")
    assert client.get_refund(order["order_id"], created.refund_id).refunded_amount == 4000
    read = client.get_order(order["order_id"])
    assert (read.order_id, read.refunded_amount) == (order["order_id"], 4000)
    partly = klarna_sandbox.create_order(
        20000, captures=[{"captured_amount": 5000, "order_lines": []}]
    )
    client.release_remaining_authorization(partly["order_id"])
    assert klarna_sandbox.get_order(partly["order_id"])["remaining_authorized_amount"] == 0


def test_extend_due_date_as_kustom_is_refused_before_sending(
    klarna_sandbox: SandboxServer, kustom: tuple[KlarnaOrderManagement, Counting]
) -> None:
    client, counting = kustom
    order = one_capture_order(klarna_sandbox)
    capture_id = order["capture_ids"][0]
    before = klarna_sandbox.get_order(order["order_id"])
    for call in (
        lambda: client.extend_due_date(order["order_id"], capture_id, 14),
        lambda: client.get_extend_due_date_options(order["order_id"], capture_id),
        lambda: client.with_options(max_retries=0).extend_due_date(
            order["order_id"], capture_id, 14
        ),
    ):
        with pytest.raises(UnsupportedOperationError) as info:
            call()
        assert (info.value.provider, info.value.field) == ("kustom", "provider")
    assert counting.sent == 0
    assert klarna_sandbox.get_order(order["order_id"]) == before
    client.get_order(order["order_id"])  # the same client does reach the sandbox
    assert counting.sent == 1


def test_the_async_client_as_kustom(klarna_sandbox: SandboxServer) -> None:
    order = one_capture_order(klarna_sandbox)
    counting = AsyncCounting(async_checked_transport())

    async def main() -> None:
        async with AsyncKlarnaOrderManagement(
            klarna_sandbox.username,
            klarna_sandbox.password,
            provider="kustom",
            base_url=klarna_sandbox.base_url,
            transport=counting,
        ) as client:
            with pytest.raises(UnsupportedOperationError):
                await client.extend_due_date(order["order_id"], order["capture_ids"][0], 14)
            assert counting.sent == 0
            created = await client.refund_order(order["order_id"], 1000)
            assert created.order_id == order["order_id"]

    asyncio.run(main())
    assert counting.sent == 1
