"""Hostile input and answers: odd ids, deep or cut bodies, redirects, plain http, cancelled writes.

Each failed on the client before it was made safe.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import pickle
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from klarna_om import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncKlarnaOrderManagement,
    AsyncRetryTransport,
    InternalServerError,
    InvalidInputError,
    KlarnaOrderManagement,
    NotFoundError,
    RateLimitError,
    ResponseTooLargeError,
    RetryPolicy,
    derive_idempotency_key,
)
from klarna_om._results import request_model
from klarna_om_generated.models import RefundObject
from tests._support.harness import Harness, Recorder, created

NO_RETRY = RetryPolicy(max_retries=0)
ORDERS = "/ordermanagement/v1/orders/"
DEEP = b'{"a":' * 100_000 + b"1" + b"}" * 100_000

HOSTILE_IDS = ["../x", "%2e%2e", "?", "#", "a b", "é/ü", "x" * 10_000, "..a", ".a."]


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=range(len(HOSTILE_IDS)))
def test_hostile_ids_stay_one_path_segment(harness: Harness, hostile: str) -> None:
    rec = Recorder(httpx.Response(200, json={"refund_id": "r", "refunded_amount": 1}))
    harness.client(rec).get_refund(hostile, hostile)
    segment = quote(hostile, safe="").encode()
    assert rec.requests[0].url.raw_path == ORDERS.encode() + segment + b"/refunds/" + segment


@pytest.mark.parametrize("dots", [".", ".."])
@pytest.mark.parametrize("field", ["order_id", "refund_id"])
def test_dot_segment_ids_are_refused_before_sending(
    harness: Harness, dots: str, field: str
) -> None:
    rec = Recorder(httpx.Response(200, json={}))
    ids = {"order_id": "o-1", "refund_id": "r-1", field: dots}
    with pytest.raises(InvalidInputError) as info:
        harness.client(rec).get_refund(ids["order_id"], ids["refund_id"])
    assert (info.value.field, rec.requests) == (field, [])
    assert str(info.value) == (
        f"{field} must not be a dot segment ('.' or '..'): it would address another resource"
    )


def test_a_dot_dot_refund_is_not_sent_to_another_endpoint(harness: Harness) -> None:
    rec = Recorder(created())
    with pytest.raises(InvalidInputError):
        harness.client(rec).refund_order("..", 500)
    assert rec.requests == []


def test_deeply_nested_success_body_is_a_typed_error(harness: Harness) -> None:
    rec = Recorder(httpx.Response(200, content=DEEP, headers={"content-type": "application/json"}))
    with pytest.raises(APIResponseValidationError) as info:
        harness.client(rec).get_refund("o-1", "r-1")
    assert (str(info.value), info.value.status_code) == (
        "200 response could not be read as documented (RecursionError)",
        200,
    )


def test_deeply_nested_error_body_with_debug_logging(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="klarna_om")
    rec = Recorder(httpx.Response(500, content=DEEP, headers={"content-type": "application/json"}))
    with pytest.raises(InternalServerError) as info:
        harness.client(rec, policy=NO_RETRY).get_refund("o-1", "r-1")
    assert (info.value.error_code, info.value.error_messages) == (None, [])
    assert [r.getMessage().split(" -> ")[1].split(" ")[0] for r in caplog.records] == ["500"]


@pytest.mark.parametrize(
    "url", ["http://api.klarna.com", "http://10.0.0.1:8089", "ftp://127.0.0.1", "not a url"]
)
def test_plain_http_is_refused_off_loopback(url: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        KlarnaOrderManagement("u", "p", base_url=url)
    assert info.value.field == "base_url"
    assert "https://" in str(info.value)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8089", "http://127.9.9.9", "http://localhost:1", "http://[::1]:80"]
)
def test_plain_http_on_loopback_is_allowed(url: str) -> None:
    with KlarnaOrderManagement("u", "p", base_url=url) as client:
        assert client.base_url == url


def test_a_spec_required_field_the_checks_miss_is_an_input_error() -> None:
    with pytest.raises(InvalidInputError) as info:
        request_model(RefundObject.from_dict, {"description": "no amount"})
    assert (info.value.field, str(info.value)) == (
        "refunded_amount",
        "the request body does not match the spec: refunded_amount: expected a value "
        "(required), found nothing",
    )


def test_a_redirect_is_a_status_error_that_says_so(harness: Harness) -> None:
    rec = Recorder(httpx.Response(302, headers={"Location": "https://elsewhere.test/"}))
    with pytest.raises(APIStatusError) as info:
        harness.client(rec, policy=NO_RETRY).refund_order("o-1", 500, idempotency_key="k-1")
    assert type(info.value) is APIStatusError
    assert str(info.value) == (
        "302 - correlation_id=-: redirect not followed, Found (no content type, 0 bytes) "
        "(idempotency_key=k-1)"
    )


def test_a_failed_read_says_nothing_of_writes(harness: Harness) -> None:
    rec = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        harness.client(rec, policy=NO_RETRY).get_refund("o-1", "r-1")
    assert str(info.value) == "no response after every allowed attempt (ConnectError)"
    assert info.value.idempotency_key is None


def test_a_failed_write_names_its_key(harness: Harness) -> None:
    rec = Recorder(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as info:
        harness.client(rec, policy=NO_RETRY).refund_order("o-1", 500, idempotency_key="k-9")
    assert str(info.value) == (
        "timed out after every allowed attempt (ReadTimeout); the write may have been applied: "
        "retry with idempotency_key=k-9"
    )


def _fields(err: Exception) -> dict[str, Any]:
    return {k: v for k, v in vars(err).items() if k not in ("response", "request")}


ERRORS = [
    NotFoundError(
        response=httpx.Response(404, request=httpx.Request("GET", "https://om.test/")),
        status_code=404,
        error_code="NOT_FOUND",
        error_messages=["Order not found"],
        correlation_id="cid-1",
        idempotency_key=None,
    ),
    RateLimitError(
        response=None,
        status_code=429,
        error_code="TOO_MANY_REQUESTS",
        error_messages=[],
        correlation_id=None,
        idempotency_key="k-1",
        retry_after=2.0,
    ),
    APITimeoutError(
        "timed out", request=httpx.Request("POST", "https://om.test/"), idempotency_key="k"
    ),
    ResponseTooLargeError("big", idempotency_key="k", status_code=200, limit=10),
    APIResponseValidationError("bad", response=None, status_code=200, field="refunded_amount"),
    InvalidInputError("bad id", field="order_id"),
]


@pytest.mark.parametrize("err", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_pickle_and_deep_copy_with_their_fields(err: Exception) -> None:
    for again in (pickle.loads(pickle.dumps(err)), copy.deepcopy(err)):
        assert (type(again), str(again), _fields(again)) == (type(err), str(err), _fields(err))
        assert getattr(again, "response", None) is None and getattr(again, "request", None) is None


def test_a_pickled_error_carries_no_credentials() -> None:
    request = httpx.Request("POST", "https://om.test/", headers={"Authorization": "Basic c2VjcmV0"})
    err = APIConnectionError("lost", request=request, idempotency_key="k")
    assert b"c2VjcmV0" not in pickle.dumps(err)


def test_async_retries_wait_through_anyio_under_trio() -> None:
    import trio

    rec = Recorder(
        httpx.Response(503), httpx.Response(200, json={"refund_id": "r-1", "refunded_amount": 1})
    )

    async def main() -> str | None:
        transport = AsyncRetryTransport(
            httpx.MockTransport(rec), policy=RetryPolicy(initial_delay=0.001), jitter=lambda: 0.0
        )
        async with AsyncKlarnaOrderManagement(
            "u", "p", base_url="https://om.test", transport=transport
        ) as client:
            refund = await client.get_refund("o-1", "r-1")
        return refund.refund_id if isinstance(refund.refund_id, str) else None

    assert (trio.run(main), len(rec.requests)) == ("r-1", 2)


def test_a_cancelled_write_is_retried_safely_with_a_derived_key() -> None:
    """The documented pattern: derive the key from your own ids, so a cancelled call's retry
    sends the same key (Klarna applies it once)."""
    started = asyncio.Event()
    keys: list[str | None] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("Klarna-Idempotency-Key"))
        if len(keys) == 1:
            started.set()
            await asyncio.sleep(10)
        return created()

    async def main() -> str:
        key = derive_idempotency_key("o-1", "refund", "ret-1")
        async with AsyncKlarnaOrderManagement(
            "u", "p", base_url="https://om.test", transport=httpx.MockTransport(slow)
        ) as client:
            task = asyncio.create_task(client.refund_order("o-1", 500, idempotency_key=key))
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            again = await client.refund_order("o-1", 500, idempotency_key=key)
        return again.idempotency_key

    key = asyncio.run(main())
    assert keys == [key, key]
