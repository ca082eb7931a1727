"""Every status maps to its class with Klarna's fields; malformed responses never escape raw."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from klarna_om import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    KlarnaError,
    NotFoundError,
    OrderLineType,
    PermissionDeniedError,
    RateLimitError,
    RefundCreated,
    RetryPolicy,
    UnprocessableEntityError,
)
from klarna_om._errors import status_error
from tests._support.data import TOMATOES
from tests._support.harness import Harness, Recorder, error_response

NO_RETRY = RetryPolicy(max_retries=0)


def _fields(err: APIStatusError) -> tuple[Any, ...]:
    return (
        type(err),
        err.status_code,
        err.error_code,
        err.error_messages,
        err.correlation_id,
        err.idempotency_key,
    )


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (520, InternalServerError),
        (599, InternalServerError),
        (405, APIStatusError),
        (413, APIStatusError),
    ],
)
def test_each_status_maps_to_its_class(
    harness: Harness, status: int, cls: type[APIStatusError]
) -> None:
    rec = Recorder(error_response(status, "SOME_CODE", "first", "second", cid="cid-42"))
    with pytest.raises(APIStatusError) as info:
        harness.client(rec, policy=NO_RETRY).refund_order("o-1", 100, idempotency_key="k-1")
    assert _fields(info.value) == (cls, status, "SOME_CODE", ["first", "second"], "cid-42", "k-1")
    assert info.value.response is not None and info.value.response.status_code == status
    assert str(info.value).startswith(f"{status} SOME_CODE correlation_id=cid-42: first; second")


def test_str_of_an_over_refund(harness: Harness) -> None:
    rec = Recorder(
        error_response(
            403,
            "REFUND_NOT_ALLOWED",
            "Over refund is not allowed. Refund not possible.",
            cid="66782175-ae05-44fc-9eb3-eeceadbad271",
        )
    )
    with pytest.raises(PermissionDeniedError) as info:
        harness.client(rec).refund_order("o-1", 100, idempotency_key="k-9")
    assert str(info.value) == (
        "403 REFUND_NOT_ALLOWED correlation_id=66782175-ae05-44fc-9eb3-eeceadbad271: "
        "Over refund is not allowed. Refund not possible. (idempotency_key=k-9)"
    )
    assert repr(info.value) == (
        "PermissionDeniedError(status_code=403, error_code='REFUND_NOT_ALLOWED', "
        "correlation_id='66782175-ae05-44fc-9eb3-eeceadbad271')"
    )


@pytest.mark.parametrize(
    ("response", "cls", "text"),
    [
        (
            httpx.Response(
                502,
                text="<html><body>Bad gateway</body></html>",
                headers={"Content-Type": "text/html"},
            ),
            InternalServerError,
            "502 - correlation_id=-: Bad Gateway (text/html, 37 bytes)",
        ),
        (
            httpx.Response(
                400, content=b'{"error_code": "BAD_VA', headers={"Content-Type": "application/json"}
            ),
            BadRequestError,
            "400 - correlation_id=-: Bad Request (application/json, 22 bytes)",
        ),
        (
            httpx.Response(403, json=["not", "an", "object"]),
            PermissionDeniedError,
            "403 - correlation_id=-: Forbidden (application/json, 21 bytes)",
        ),
        (
            httpx.Response(520, content=b"\xff\xfe garbage"),
            InternalServerError,
            "520 - correlation_id=-: error (no content type, 10 bytes)",
        ),
        (
            httpx.Response(404, json={"error_code": 7, "error_messages": "x", "correlation_id": 5}),
            NotFoundError,
            "404 - correlation_id=-: Not Found (application/json, 56 bytes)",
        ),
        (
            httpx.Response(401),
            AuthenticationError,
            "401 - correlation_id=-: Unauthorized (no content type, 0 bytes)",
        ),
    ],
)
def test_malformed_error_bodies_still_give_typed_errors(
    harness: Harness, response: httpx.Response, cls: type[APIStatusError], text: str
) -> None:
    rec = Recorder(response)
    with pytest.raises(APIStatusError) as info:
        harness.client(rec, policy=NO_RETRY).refund_order("o-1", 100, idempotency_key="k")
    assert type(info.value) is cls
    assert (info.value.error_code, info.value.error_messages) == (None, [])
    assert str(info.value) == f"{text} (idempotency_key=k)"


def test_singular_error_message_and_header_correlation_id() -> None:
    request = httpx.Request("GET", "https://om.test/x")
    response = httpx.Response(
        409,
        json={"error_code": "CONFLICT", "error_message": "busy"},
        headers={"Klarna-Correlation-Id": "hdr-cid"},
        request=request,
    )
    assert _fields(status_error(response)) == (
        ConflictError,
        409,
        "CONFLICT",
        ["busy"],
        "hdr-cid",
        None,
    )


def test_201_without_refund_id_takes_it_from_location(harness: Harness) -> None:
    rec = Recorder(
        httpx.Response(
            201, headers={"Location": "https://om.test/ordermanagement/v1/orders/o-1/refunds/r-77"}
        )
    )
    result = harness.client(rec).refund_order("o-1", 100, idempotency_key="k")
    assert result == RefundCreated(
        order_id="o-1",
        refund_id="r-77",
        location="https://om.test/ordermanagement/v1/orders/o-1/refunds/r-77",
        idempotency_key="k",
    )


@pytest.mark.parametrize("headers", [{}, {"Location": "https://om.test/elsewhere"}])
def test_201_without_refund_id_or_usable_location(
    harness: Harness, headers: dict[str, str]
) -> None:
    rec = Recorder(httpx.Response(201, headers=headers))
    with pytest.raises(APIResponseValidationError) as info:
        harness.client(rec).refund_order("o-1", 100, idempotency_key="k-201")
    assert (info.value.status_code, info.value.idempotency_key) == (201, "k-201")
    assert str(info.value) == (
        "201 without Refund-Id or Location: the refund was created; read the order or retry "
        "with the same idempotency_key=k-201 to get it"
    )
    assert len(rec.requests) == 1


_NOT_DOCUMENTED = "200 response could not be read as documented (JSONDecodeError)"
_MISMATCH = "200 response does not match the spec: "


@pytest.mark.parametrize(
    ("response", "message", "field"),
    [
        (
            httpx.Response(
                200, text="<html>maintenance</html>", headers={"Content-Type": "text/html"}
            ),
            _NOT_DOCUMENTED,
            None,
        ),
        (
            httpx.Response(
                200,
                content=b'{"refund_id": "r-1", "refunded_amount": 1',
                headers={"Content-Type": "application/json"},
            ),
            _NOT_DOCUMENTED,
            None,
        ),
        (
            httpx.Response(200, json=["a", "list"]),
            _MISMATCH + "the body: expected object, found array",
            None,
        ),
        (
            httpx.Response(
                200, json={"refund_id": "r-1", "refunded_amount": 1, "refunded_at": "not a date"}
            ),
            _MISMATCH + "refunded_at: expected string (date-time), found string that is not a "
            "date-time",
            "refunded_at",
        ),
        (
            httpx.Response(
                200,
                json={
                    "refund_id": "r-1",
                    "refunded_amount": 1,
                    "refunded_at": "2015-12-04T15:17:40",
                },
            ),
            _MISMATCH + "refunded_at: expected string (date-time), found string that is not a "
            "date-time",
            "refunded_at",
        ),
        (
            httpx.Response(
                200, json={"refund_id": "r-1", "refunded_amount": 1, "order_lines": [{"name": "x"}]}
            ),
            _MISMATCH + "order_lines[0].quantity: expected a value (required), found nothing",
            "order_lines[0].quantity",
        ),
        (
            httpx.Response(200, json={"refund_id": "r-1", "refunded_amount": "3000"}),
            _MISMATCH + "refunded_amount: expected integer, found string",
            "refunded_amount",
        ),
        (
            httpx.Response(200, json={"refund_id": "r-1", "refunded_amount": True}),
            _MISMATCH + "refunded_amount: expected integer, found boolean",
            "refunded_amount",
        ),
        (
            httpx.Response(200, json={"refund_id": "r-1", "refunded_amount": 30.5}),
            _MISMATCH + "refunded_amount: expected integer, found number",
            "refunded_amount",
        ),
        (
            httpx.Response(
                200, json={"refund_id": "r-1", "refunded_amount": 1, "order_lines": {"name": "x"}}
            ),
            _MISMATCH + "order_lines: expected array, found object",
            "order_lines",
        ),
        (
            httpx.Response(
                200,
                json={
                    "refund_id": "r-1",
                    "refunded_amount": 1,
                    "order_lines": [TOMATOES, {**TOMATOES, "type": 7}],
                },
            ),
            _MISMATCH + "order_lines[1].type: expected string, found integer",
            "order_lines[1].type",
        ),
        (
            httpx.Response(
                200,
                json={
                    "refund_id": "r-1",
                    "refunded_amount": 1,
                    "order_lines": [{**TOMATOES, "subscription": {"name": "box"}}],
                },
            ),
            _MISMATCH + "order_lines[0].subscription.interval: expected a value (required), "
            "found nothing",
            "order_lines[0].subscription.interval",
        ),
    ],
)
def test_unreadable_success_bodies(
    harness: Harness, response: httpx.Response, message: str, field: str | None
) -> None:
    rec = Recorder(response)
    with pytest.raises(APIResponseValidationError) as info:
        harness.client(rec).get_refund("o-1", "r-1")
    assert (info.value.status_code, str(info.value), info.value.field) == (200, message, field)
    assert isinstance(info.value, KlarnaError)
    assert len(rec.requests) == 1  # a read that cannot be read is not retried


@pytest.mark.parametrize("status", [200, 202, 299])
def test_an_unexpected_success_status(harness: Harness, status: int) -> None:
    rec = Recorder(httpx.Response(status))
    with pytest.raises(APIResponseValidationError) as info:
        harness.client(rec).release_remaining_authorization("o-1", idempotency_key="k")
    assert (info.value.status_code, info.value.idempotency_key) == (status, "k")


def test_an_order_line_type_added_later_is_read_as_a_string(harness: Harness) -> None:
    line = {"name": "Box", "quantity": 1, "unit_price": 100, "total_amount": 100}
    rec = Recorder(
        httpx.Response(
            200,
            json={
                "refund_id": "r-1",
                "refunded_amount": 300,
                "refunded_at": "2026-11-26T10:00:00Z",
                "order_lines": [{**line, "type": "brand_new_type"}, {**line, "type": "return_fee"}],
                "future_field": {"x": 1},
            },
        )
    )
    refund = harness.client(rec).get_refund("o-1", "r-1")
    assert [ol.type_ for ol in refund.order_lines] == ["brand_new_type", OrderLineType.RETURN_FEE]
    assert refund["future_field"] == {"x": 1}
    assert refund.to_dict()["order_lines"][0]["type"] == "brand_new_type"


def test_an_unexpected_bug_is_not_disguised(harness: Harness) -> None:
    def bug(request: httpx.Request) -> httpx.Response:
        raise KeyError("raised before any response arrived")

    client = harness.client(Recorder(bug), policy=RetryPolicy(max_retries=0))
    with pytest.raises(KeyError, match="raised before any response arrived"):
        client.refund_order("o-1", 100, idempotency_key="k")
