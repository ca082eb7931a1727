"""Inputs a type checker accepts are sent as plain JSON; edge values get typed errors.

Each test here was written against a defect found by review, before its fix.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import httpx
import pytest

from klarna_om import (
    APIResponseValidationError,
    InvalidInputError,
    InvalidRefundError,
    KlarnaOrderManagement,
    Order,
    OrderLineInput,
    OrderLineType,
    Refund,
    RefundCreated,
    SubscriptionInterval,
)
from klarna_om_generated.types import SchemaError, read_float

#: What every refund and order carries (required by spec/).
REFUND_MINIMUM = {"refund_id": "r-1", "refunded_amount": 1}
ORDER_MINIMUM = {
    "order_id": "o-1",
    "status": "CAPTURED",
    "purchase_currency": "EUR",
    "order_amount": 100,
    "captured_amount": 100,
    "refunded_amount": 0,
}

FEE: OrderLineInput = {
    "type": OrderLineType.RETURN_FEE,
    "name": "Return fee",
    "quantity": 1,
    "unit_price": -10,
    "total_amount": -10,
}
BOX: OrderLineInput = {
    "type": OrderLineType.PHYSICAL,
    "name": "Box",
    "quantity": 1,
    "unit_price": 100,
    "total_amount": 100,
    "subscription": {"name": "box", "interval": SubscriptionInterval.MONTH, "interval_count": 1},
}


class _Name(str):
    """A str subclass, as some ORMs hand out."""


def _sent_body(**kwargs: Any) -> Any:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, headers={"Refund-Id": "r-1"})

    with KlarnaOrderManagement(
        "u", "p", base_url="http://127.0.0.1:9", transport=httpx.MockTransport(answer)
    ) as client:
        client.refund_order("o-1", idempotency_key="k-1", **kwargs)
    return json.loads(sent[0].content)


def test_enum_members_and_str_subclasses_are_sent_as_plain_strings() -> None:
    body = _sent_body(refunded_amount=80, order_lines=[BOX, FEE, {**FEE, "name": _Name("Fee")}])
    assert body == {
        "refunded_amount": 80,
        "order_lines": [
            {
                "type": "physical",
                "name": "Box",
                "quantity": 1,
                "unit_price": 100,
                "total_amount": 100,
                "subscription": {"name": "box", "interval": "MONTH", "interval_count": 1},
            },
            {
                "type": "return_fee",
                "name": "Return fee",
                "quantity": 1,
                "unit_price": -10,
                "total_amount": -10,
            },
            {
                "type": "return_fee",
                "name": "Fee",
                "quantity": 1,
                "unit_price": -10,
                "total_amount": -10,
            },
        ],
    }


@pytest.mark.parametrize("field", ["description", "reference"])
def test_a_lone_surrogate_is_an_input_error_without_the_text(field: str) -> None:
    text = "Refund for Alice Smith, alice@example.com \ud83d"
    with pytest.raises(InvalidInputError) as info:
        _sent_body(refunded_amount=100, **{field: text})
    assert (info.value.field, str(info.value)) == (
        field,
        f"{field} is not valid Unicode text (it holds a lone surrogate)",
    )
    assert "Alice" not in repr(info.value)


def test_a_lone_surrogate_in_an_order_line_is_a_money_error() -> None:
    with pytest.raises(InvalidRefundError) as info:
        _sent_body(refunded_amount=100, order_lines=[{**BOX, "name": "Box \udc00"}])
    assert info.value.field == "order_lines[0].name"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ("x", None, "RefundCreated: expected object, found string"),
        (None, None, "RefundCreated: expected object, found null"),
        (
            {"order_id": "o-1", "refund_id": "", "idempotency_key": "k"},
            "refund_id",
            "RefundCreated.refund_id: expected a non-empty string",
        ),
        (
            {"order_id": "o-1", "refund_id": "r-1", "idempotency_key": "k\u00e9y"},
            "idempotency_key",
            None,
        ),
    ],
)
def test_refund_created_from_dict_refuses_what_to_dict_never_writes(
    data: Any, field: str | None, message: str | None
) -> None:
    with pytest.raises(InvalidInputError) as info:
        RefundCreated.from_dict(data)
    assert info.value.field == field
    if message is not None:
        assert str(info.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01t00:00:00z", datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)),
        ("2024-01-01 00:00:00+00:00", datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)),
        (
            "2024-01-01T10:00:00.5+02:00",
            datetime.datetime(
                2024, 1, 1, 10, 0, 0, 500000, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
        ),
    ],
)
def test_rfc_3339_date_times_are_read(text: str, expected: datetime.datetime) -> None:
    assert Refund.from_dict({**REFUND_MINIMUM, "refunded_at": text}).refunded_at == expected


@pytest.mark.parametrize(
    "text",
    [
        "20240101T000000Z",
        "2024-W01-1T00:00:00Z",
        "2024-01-01T00Z",
        "2024-01-01T00:00:00+05",
        "2024-01-01",
    ],
)
def test_what_is_not_rfc_3339_is_refused(text: str) -> None:
    with pytest.raises(SchemaError) as info:
        Refund.from_dict({**REFUND_MINIMUM, "refunded_at": text})
    assert str(info.value) == (
        "refunded_at: expected string (date-time), found string that is not a date-time"
    )


def test_a_number_too_large_for_a_float_is_a_schema_error() -> None:
    with pytest.raises(SchemaError) as info:
        read_float(10**400, "amount")
    assert str(info.value) == "amount: expected number, found integer out of range"


def test_a_model_is_not_iterable() -> None:
    order = Order.from_dict({**ORDER_MINIMUM, "billing_address": {"email": "x"}})
    with pytest.raises(TypeError):
        iter(order)  # type: ignore[call-overload]  # mypy knows it too
    assert ("billing_address" in order, order["billing_address"]) == (True, {"email": "x"})


def test_a_date_time_error_in_a_client_call_names_the_path() -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, json={"refund_id": "r-1", "refunded_amount": 1, "refunded_at": "2024-01-01T00Z"}
        )
    )
    with (
        KlarnaOrderManagement("u", "p", base_url="http://127.0.0.1:9", transport=transport) as c,
        pytest.raises(APIResponseValidationError) as info,
    ):
        c.get_refund("o-1", "r-1")
    assert info.value.field == "refunded_at"


@pytest.mark.parametrize(
    ("field", "args"), [("order_id", ("o\ud800", "r-1")), ("refund_id", ("o-1", "r\udc80"))]
)
def test_a_lone_surrogate_in_an_id_is_an_input_error(field: str, args: tuple[str, str]) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    transport = httpx.MockTransport(answer)
    with (
        KlarnaOrderManagement("u", "p", base_url="http://127.0.0.1:9", transport=transport) as c,
        pytest.raises(InvalidInputError) as info,
    ):
        c.get_refund(*args)
    assert (info.value.field, str(info.value), sent) == (
        field,
        f"{field} is not valid Unicode text (it holds a lone surrogate)",
        [],
    )
