"""The async client called with its real types, on asyncio and on trio (anyio's pytest plugin).

The parametrized behaviour tests reach the async client through the harness; these call every
public coroutine directly, so mypy checks the async signatures and results as users see them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from klarna_om import (
    AsyncKlarnaOrderManagement,
    AsyncRetryTransport,
    NotFoundError,
    OrderLineInput,
    OrderStatus,
    RefundCreated,
    RetryPolicy,
)
from tests._support.harness import BASE_URL, PASSWORD, USERNAME, Recorder, created, error_response
from tests._support.openapi_check import SpecCheckingTransport

ORDER = {
    "order_id": "o-1",
    "status": "CAPTURED",
    "purchase_currency": "EUR",
    "order_amount": 10000,
    "captured_amount": 10000,
    "refunded_amount": 0,
    "captures": [{"capture_id": "c-1", "captured_amount": 10000, "refunded_amount": 0}],
}
LINE: OrderLineInput = {
    "name": "T-Shirt",
    "quantity": 1,
    "unit_price": 10000,
    "total_amount": 10000,
}


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def recorder() -> Recorder:
    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/refunds"):
            return created("r-1", "o-1")
        if path.endswith("/refunds/r-1"):
            return httpx.Response(200, json={"refund_id": "r-1", "refunded_amount": 500})
        if path.endswith("/orders/o-1"):
            return httpx.Response(200, json=ORDER)
        if path.endswith("-options"):
            return httpx.Response(
                200, json={"currency": "EUR", "options": [{"number_of_days": 10, "amount": 195}]}
            )
        if "missing" in path:
            return error_response(404, "NO_SUCH_ORDER", "Order not found")
        return httpx.Response(204)

    return Recorder(answer)


@pytest.fixture
async def client(recorder: Recorder) -> AsyncIterator[AsyncKlarnaOrderManagement]:
    transport = AsyncRetryTransport(
        SpecCheckingTransport(httpx.MockTransport(recorder)),
        policy=RetryPolicy(initial_delay=0.001),
        jitter=lambda: 0.0,
    )
    async with AsyncKlarnaOrderManagement(
        USERNAME, PASSWORD, base_url=BASE_URL, transport=transport
    ) as aclient:
        yield aclient


@pytest.mark.anyio
async def test_every_coroutine_with_its_real_types(
    client: AsyncKlarnaOrderManagement, recorder: Recorder, anyio_backend: str
) -> None:
    created_refund: RefundCreated = await client.refund_order("o-1", 500, idempotency_key="k-1")
    with_fee = await client.refund_with_return_fee("o-1", [LINE], 500, idempotency_key="k-2")
    fee_back = await client.refund_return_fee("o-1", 500, idempotency_key="k-3")
    refund = await client.get_refund("o-1", created_refund.refund_id)
    order = await client.get_order("o-1")
    await client.release_remaining_authorization("o-1", idempotency_key="k-4")
    options = await client.get_extend_due_date_options("o-1", "c-1")
    await client.extend_due_date("o-1", "c-1", 10, idempotency_key="k-5")
    assert [created_refund.idempotency_key, with_fee.idempotency_key, fee_back.idempotency_key] == [
        "k-1",
        "k-2",
        "k-3",
    ]
    assert refund.to_dict() == {"refund_id": "r-1", "refunded_amount": 500}
    assert (order.status, order.to_dict()) == (OrderStatus.CAPTURED, ORDER)
    assert options.to_dict() == {
        "currency": "EUR",
        "options": [{"number_of_days": 10, "amount": 195}],
    }
    assert [
        (r.method, r.url.path.rsplit("/", 1)[-1], r.headers.get("Klarna-Idempotency-Key"))
        for r in recorder.requests
    ] == [
        ("POST", "refunds", "k-1"),
        ("POST", "refunds", "k-2"),
        ("POST", "refunds", "k-3"),
        ("GET", "r-1", None),
        ("GET", "o-1", None),
        ("POST", "release-remaining-authorization", "k-4"),
        ("GET", "extend-due-date-options", None),
        ("PATCH", "extend-due-date", "k-5"),
    ]
    assert json.loads(recorder.requests[-1].content) == {"number_of_days": 10}


@pytest.mark.anyio
async def test_errors_and_retries_on_both_backends(
    client: AsyncKlarnaOrderManagement, recorder: Recorder, anyio_backend: str
) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.get_order("missing")
    assert (info.value.status_code, info.value.error_code) == (404, "NO_SUCH_ORDER")
    recorder.responses.insert(0, httpx.Response(503))
    refund = await client.get_refund("o-1", "r-1")
    assert (refund.refund_id, len(recorder.requests)) == ("r-1", 3)
