"""A user's program, type-checked with mypy --strict against the installed klarna_om.

It must pass with no error: a result's identity and amounts are plain ``str``/``int`` (required
by our fragment), optional fields are ``X | None`` (passing them to ``int | None`` parameters
needs no cast), arrays are tuples that are empty when absent; order lines are typed dicts.
"""

from __future__ import annotations

import datetime
from typing import assert_type

import klarna_om
from klarna_om import (
    ExtendDueDateOption,
    ExtendDueDateOptions,
    KlarnaOrderManagement,
    Order,
    OrderLine,
    OrderLineInput,
    OrderLineType,
    OrderStatus,
    Refund,
    RefundCreated,
)


def total_refunded(refund: Refund) -> int:
    """Arithmetic on a required field: no None check."""
    assert_type(refund.refunded_amount, int)
    return refund.refunded_amount + 100


def optional_amount(amount: int | None) -> str:
    """A parameter typed ``int | None`` takes a result field directly."""
    return "none" if amount is None else str(amount)


def read(client: KlarnaOrderManagement, created: RefundCreated) -> list[str]:
    """Every result field a refund workflow reads, with its exact type."""
    refund = client.get_refund(created.order_id, created.refund_id)
    assert_type(refund, Refund)
    assert_type(refund.refund_id, str)  # required by our fragment (spec/deviations.yaml)
    assert_type(refund.refunded_at, datetime.datetime | None)
    assert_type(refund.order_lines, tuple[OrderLine, ...])  # () when Klarna sends none
    assert_type(refund.credit_invoice, bool | None)
    for line in refund.order_lines:
        assert_type(line.quantity, int)  # required by the spec: never None
        assert_type(line.type_, OrderLineType | str | None)
    order = client.get_order(created.order_id)
    assert_type(order, Order)
    assert_type(order.status, OrderStatus | str)
    assert_type(order.order_id, str)
    assert_type(order.captured_amount - order.refunded_amount, int)
    assert_type(order.merchant_reference1, str | None)  # optional: None when absent or null
    for capture in order.captures:
        assert_type(capture.capture_id, str)
        assert_type(capture.captured_amount, int)
    options = client.get_extend_due_date_options(created.order_id, "c-1")
    assert_type(options, ExtendDueDateOptions)
    assert_type(options.currency, str)
    assert_type(options.options, tuple[ExtendDueDateOption, ...])
    fees = [option.amount for option in options.options]
    assert_type(fees, list[int])
    days = [option.number_of_days for option in options.options]
    assert_type(days, list[int])
    assert_type(created.to_dict(), dict[str, str])
    return [optional_amount(refund.refunded_amount), str(sum(fees)), str(total_refunded(refund))]


def refund_tomatoes(client: KlarnaOrderManagement) -> RefundCreated:
    """Order lines as typed dicts (Klarna's field names), and as the generated model."""
    tomatoes: OrderLineInput = {
        "type": "physical",
        "name": "Tomatoes",
        "quantity": 5,
        "unit_price": 600,
        "total_amount": 3000,
        "tax_rate": 2500,
        "total_tax_amount": 600,
        "product_identifiers": {"brand": "Garden"},
    }
    model = OrderLine(name="Tomatoes", quantity=5, unit_price=600, total_amount=3000)
    client.refund_order("o-1", 6000, order_lines=[tomatoes, model])
    return client.refund_with_return_fee(
        "o-1", [{"name": "T-Shirt", "quantity": 1, "unit_price": 100, "total_amount": 100}], 10
    )


assert klarna_om.__version__
