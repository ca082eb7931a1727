"""The results users read: None for missing, immutable, readable repr, round-tripping to_dict."""

from __future__ import annotations

import copy
import datetime
import inspect
import pickle
from typing import Any

import attrs
import pytest

import klarna_om
from klarna_om import (
    Capture,
    ExtendDueDateOption,
    ExtendDueDateOptions,
    InvalidInputError,
    Order,
    OrderLine,
    OrderLineType,
    OrderStatus,
    ProductIdentifiers,
    Refund,
    RefundCreated,
    Subscription,
    SubscriptionInterval,
)
from tests._support.data import TOMATOES

UTC = datetime.UTC
ORDER_JSON: dict[str, Any] = {
    "order_id": "o-1",
    "status": "CAPTURED",
    "purchase_currency": "EUR",
    "order_amount": 3000,
    "captured_amount": 3000,
    "refunded_amount": 0,
    "created_at": "2026-11-26T10:00:00+00:00",
    "order_lines": [TOMATOES],
    "captures": [
        {
            "capture_id": "c-1",
            "captured_amount": 3000,
            "refunded_amount": 0,
            "order_lines": [TOMATOES],
        }
    ],
    "refunds": [],
    # Not declared by spec/: kept, and never shown by repr (it is customer data).
    "billing_address": {"email": "jane@example.com", "given_name": "Jane"},
}
REFUND_JSON: dict[str, Any] = {
    "refund_id": "r-1",
    "refunded_amount": 3000,
    "refunded_at": "2015-12-04T15:17:40+00:00",
    "order_lines": [
        {**TOMATOES, "subscription": {"name": "box", "interval": "MONTH", "interval_count": 1}},
        {**TOMATOES, "type": "brand_new_type", "product_identifiers": {"brand": "Garden"}},
    ],
}
RESULTS: list[Any] = [
    Refund.from_dict(REFUND_JSON),
    Order.from_dict(ORDER_JSON),
    ExtendDueDateOptions.from_dict(
        {"currency": "EUR", "options": [{"number_of_days": 10, "amount": 195}]}
    ),
    RefundCreated(order_id="o-1", refund_id="r-1", location=None, idempotency_key="k-1"),
    RefundCreated(order_id="o-1", refund_id="r-1", location="https://x/r-1", idempotency_key="k"),
]


def test_missing_fields_are_none_and_sent_fields_have_their_types() -> None:
    refund = Refund.from_dict({"refund_id": "r-1", "refunded_amount": 1, "reference": None})
    assert refund == Refund(refund_id="r-1", refunded_amount=1)
    assert (refund.reference, refund.order_lines, refund.credit_invoice) == (None, (), None)
    full = RESULTS[0]
    assert full.refunded_at == datetime.datetime(2015, 12, 4, 15, 17, 40, tzinfo=UTC)
    first, second = full.order_lines
    assert (first.type_, second.type_) == (OrderLineType.PHYSICAL, "brand_new_type")
    assert first.subscription == Subscription(
        name="box", interval=SubscriptionInterval.MONTH, interval_count=1
    )
    assert second.product_identifiers == ProductIdentifiers(brand="Garden")
    order = RESULTS[1]
    assert (order.status, order.captures[0]) == (
        OrderStatus.CAPTURED,
        Capture(
            capture_id="c-1",
            captured_amount=3000,
            refunded_amount=0,
            order_lines=(OrderLine.from_dict(TOMATOES),),
        ),
    )


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: type(r).__name__)
def test_to_dict_is_json_ready_and_round_trips(result: Any) -> None:
    data = result.to_dict()
    assert type(result).from_dict(data) == result
    assert type(result).from_dict(copy.deepcopy(data)).to_dict() == data
    assert pickle.loads(pickle.dumps(result)) == result
    _assert_plain_json(data)


def _assert_plain_json(value: Any) -> None:
    if isinstance(value, dict):
        assert all(type(k) is str for k in value)
        for item in value.values():
            _assert_plain_json(item)
    elif isinstance(value, list):
        for item in value:
            _assert_plain_json(item)
    else:
        assert type(value) in (str, int, float, bool, type(None)), type(value)


def test_to_dict_gives_back_what_klarna_sent() -> None:
    assert RESULTS[0].to_dict() == REFUND_JSON
    # An empty array reads as () like an absent one, and is written back as absent.
    assert RESULTS[1].to_dict() == {k: v for k, v in ORDER_JSON.items() if v != []}
    assert RESULTS[3].to_dict() == {"order_id": "o-1", "refund_id": "r-1", "idempotency_key": "k-1"}


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: type(r).__name__)
def test_results_are_immutable(result: Any) -> None:
    field = attrs.fields(type(result))[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(result, field, "changed")
    assert hash(result) == hash(copy.deepcopy(result))


def test_repr_shows_present_fields_only_and_no_customer_data() -> None:
    assert repr(RESULTS[3]) == (
        "RefundCreated(order_id='o-1', refund_id='r-1', idempotency_key='k-1')"
    )
    assert repr(Refund.from_dict({"refund_id": "r-1", "refunded_amount": 5})) == (
        "Refund(refund_id='r-1', refunded_amount=5)"
    )
    assert repr(RESULTS[2]) == (
        "ExtendDueDateOptions(currency='EUR', "
        "options=[ExtendDueDateOption(number_of_days=10, amount=195)])"
    )
    order = repr(RESULTS[1])
    assert order.startswith("Order(order_id='o-1', status=OrderStatus.CAPTURED, ")
    assert order.endswith("])], additional_keys=['billing_address'])")
    assert "refunds=" not in order  # an empty array is not shown, like an absent field
    assert str(RESULTS[1]) == order
    for result in RESULTS:
        text = repr(result)
        assert " at 0x" not in text and "Unset" not in text and "None" not in text
    assert "jane" not in order.lower()


def test_refund_created_from_dict_refuses_what_it_did_not_write() -> None:
    with pytest.raises(InvalidInputError) as info:
        RefundCreated.from_dict({"order_id": "o-1", "refund_id": 5, "idempotency_key": "k"})
    assert (info.value.field, str(info.value)) == (
        "refund_id",
        "RefundCreated.refund_id: expected string, found integer",
    )


def test_no_unset_in_the_public_surface() -> None:
    """Every exported class's fields and every public method's signature, as written."""
    found = []
    for name in klarna_om.__all__:
        value = getattr(klarna_om, name)
        if not isinstance(value, type):
            continue
        for attr_name, annotation in inspect.get_annotations(value).items():
            if "Unset" in str(annotation):
                found.append(f"{name}.{attr_name}")
        for method_name, method in inspect.getmembers(value, inspect.isfunction):
            if not method_name.startswith("_") and "Unset" in str(inspect.signature(method)):
                found.append(f"{name}.{method_name}()")
    assert found == []
    assert ExtendDueDateOption(number_of_days=10, amount=0).to_dict() == {
        "number_of_days": 10,
        "amount": 0,
    }
