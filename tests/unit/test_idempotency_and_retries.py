"""One key per logical call, the same key on every retry, and what is (not) retried."""

from __future__ import annotations

import uuid

import httpx
import pytest

from klarna_om import (
    APIConnectionError,
    APITimeoutError,
    ConflictError,
    InternalServerError,
    PermissionDeniedError,
    RateLimitError,
    RefundCreated,
    RetryPolicy,
)
from tests._support.harness import Harness, Recorder, created, error_response

BASE = "/ordermanagement/v1/orders/o-1"


def _is_uuid4(key: str | None) -> bool:
    return key is not None and uuid.UUID(key).version == 4


def test_same_key_on_every_retry_after_a_dropped_connection(harness: Harness) -> None:
    dropped = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    rec = Recorder(dropped, dropped, created())
    result = harness.client(rec).refund_order("o-1", 500)
    assert len(rec.requests) == 3
    key = rec.keys[0]
    assert len(set(rec.keys)) == 1 and key is not None and _is_uuid4(key)
    assert result == RefundCreated(
        order_id="o-1",
        refund_id="r-1",
        location=f"https://om.test{BASE}/refunds/r-1",
        idempotency_key=key,
    )
    assert [r.content for r in rec.requests] == [b'{"refunded_amount":500}'] * 3
    assert harness.sleeps == [0.5, 1.0]


def test_same_key_on_every_retry_after_503(harness: Harness) -> None:
    rec = Recorder(error_response(503, "TEMPORARILY_UNAVAILABLE"), httpx.Response(204))
    client = harness.client(rec)
    assert client.release_remaining_authorization("o-1") is None
    assert [r.url.path for r in rec.requests] == [f"{BASE}/release-remaining-authorization"] * 2
    assert len(set(rec.keys)) == 1 and _is_uuid4(rec.keys[0])
    assert rec.sent[0].is_closed  # the discarded 503 was closed


def test_each_logical_call_gets_its_own_key(harness: Harness) -> None:
    rec = Recorder(created())
    client = harness.client(rec)
    first = client.refund_order("o-1", 100)
    second = client.refund_order("o-1", 100)
    assert first.idempotency_key != second.idempotency_key
    assert rec.keys == [first.idempotency_key, second.idempotency_key]


def test_the_callers_key_is_sent_verbatim_and_wins(harness: Harness) -> None:
    rec = Recorder(error_response(500, "INTERNAL_SERVER_ERROR"), httpx.Response(204))
    harness.client(rec).extend_due_date("o-1", "c-1", 10, idempotency_key="my-key-001")
    assert rec.keys == ["my-key-001", "my-key-001"]


def test_gets_carry_no_key_and_are_retried(harness: Harness) -> None:
    rec = Recorder(
        httpx.ConnectError("refused"), httpx.Response(200, json={"currency": "EUR", "options": []})
    )
    options = harness.client(rec).get_extend_due_date_options("o-1", "c-1")
    assert options.to_dict() == {"currency": "EUR", "options": []}
    assert rec.keys == [None, None]


def test_the_key_is_on_the_exception_after_the_retries_run_out(harness: Harness) -> None:
    rec = Recorder(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as info:
        harness.client(rec).refund_order("o-1", 100, idempotency_key="k-timeout")
    assert info.value.idempotency_key == "k-timeout"
    assert rec.keys == ["k-timeout"] * 3
    assert "retry with idempotency_key=k-timeout" in str(info.value)


def test_connection_errors_become_api_connection_error_with_key(harness: Harness) -> None:
    rec = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        harness.client(rec, max_retries=0).release_remaining_authorization("o-1")
    assert type(info.value) is APIConnectionError
    assert info.value.idempotency_key == rec.keys[0]
    assert _is_uuid4(info.value.idempotency_key)


def test_status_errors_carry_the_key(harness: Harness) -> None:
    rec = Recorder(error_response(503, "TEMPORARILY_UNAVAILABLE"))
    with pytest.raises(InternalServerError) as info:
        harness.client(rec).refund_order("o-1", 100, idempotency_key="k-503")
    assert (info.value.status_code, info.value.idempotency_key) == (503, "k-503")
    assert len(rec.requests) == 3


@pytest.mark.parametrize(("status", "error"), [(409, ConflictError), (403, PermissionDeniedError)])
def test_409_and_403_are_not_retried(harness: Harness, status: int, error: type[Exception]) -> None:
    rec = Recorder(error_response(status, "CONFLICT" if status == 409 else "REFUND_NOT_ALLOWED"))
    with pytest.raises(error):
        harness.client(rec).refund_order("o-1", 100)
    assert len(rec.requests) == 1
    assert harness.sleeps == []


def test_retry_after_is_honoured(harness: Harness) -> None:
    rec = Recorder(
        error_response(429, "TOO_MANY_REQUESTS", headers={"Retry-After": "7"}), created()
    )
    harness.client(rec).refund_order("o-1", 100)
    assert harness.sleeps == [7.0]
    assert len(set(rec.keys)) == 1


def test_a_retry_after_beyond_the_cap_stops_retrying(harness: Harness) -> None:
    rec = Recorder(error_response(429, "TOO_MANY_REQUESTS", headers={"Retry-After": "31"}))
    with pytest.raises(RateLimitError) as info:
        harness.client(rec).refund_order("o-1", 100)
    assert (info.value.retry_after, len(rec.requests), harness.sleeps) == (31.0, 1, [])


def test_max_retries_zero_disables_retries(harness: Harness) -> None:
    rec = Recorder(error_response(502, "TEMPORARILY_UNAVAILABLE"))
    with pytest.raises(InternalServerError):
        harness.client(rec, policy=RetryPolicy(max_retries=0)).get_refund("o-1", "r-1")
    assert len(rec.requests) == 1


def test_max_retries_is_taken_from_the_constructor() -> None:
    from klarna_om import KlarnaOrderManagement

    with KlarnaOrderManagement("u", "p", max_retries=5) as client:
        assert client.retry_policy == RetryPolicy(max_retries=5)
