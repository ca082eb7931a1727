"""Return-fee arithmetic and every money check; a failed check sends nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from klarna_om import (
    InvalidInputError,
    InvalidRefundError,
    OrderLine,
    OrderLineInput,
    ReturnFee,
    refund_with_return_fee_body,
    return_fee_line,
    return_fee_tax,
)
from klarna_om._money import check_refund
from tests._support.data import TOMATOES
from tests._support.harness import Harness, Recorder, created

TSHIRT: OrderLineInput = {
    "name": "T-Shirt",
    "type": "physical",
    "quantity": 1,
    "unit_price": 10000,
    "total_amount": 10000,
}


def test_klarnas_return_fee_sample() -> None:
    assert refund_with_return_fee_body([TSHIRT], 500, reference="ref-1") == {
        "refunded_amount": 9500,
        "reference": "ref-1",
        "order_lines": [
            TSHIRT,
            {
                "type": "return_fee",
                "name": "Return fee",
                "quantity": 1,
                "unit_price": -500,
                "total_amount": -500,
            },
        ],
    }


def test_return_fee_with_tax() -> None:
    assert return_fee_line(ReturnFee(500, tax_rate=2500, name="Returns handling")) == {
        "type": "return_fee",
        "name": "Returns handling",
        "quantity": 1,
        "unit_price": -500,
        "total_amount": -500,
        "tax_rate": 2500,
        "total_tax_amount": -100,
    }


@pytest.mark.parametrize(
    ("amount", "rate", "tax"),
    [
        (3000, 2500, 600),  # Klarna's worked example: 5 kg tomatoes
        (-500, 2500, -100),
        (333, 2500, 67),  # 66.6 rounds up
        (-333, 2500, -67),  # symmetric for the negative fee line
        (1000, 1900, 160),  # 159.66
        (5, 2500, 1),  # exactly 1.0
        (2, 2500, 0),  # 0.4 rounds down
        (10, 2500, 2),
        (100, 0, 0),
    ],
)
def test_return_fee_tax_is_klarnas_formula(amount: int, rate: int, tax: int) -> None:
    assert return_fee_tax(amount, rate) == tax


def test_refunded_amount_is_goods_minus_fee() -> None:
    body = refund_with_return_fee_body([TOMATOES, TSHIRT], ReturnFee(1250, tax_rate=2500))
    assert body["refunded_amount"] == 3000 + 10000 - 1250
    assert body["order_lines"][-1] == {
        "type": "return_fee",
        "name": "Return fee",
        "quantity": 1,
        "unit_price": -1250,
        "total_amount": -1250,
        "tax_rate": 2500,
        "total_tax_amount": -250,
    }


def test_order_line_models_are_accepted() -> None:
    model = OrderLine.from_dict(TOMATOES)
    assert check_refund(3000, [model]) == {"refunded_amount": 3000, "order_lines": [TOMATOES]}


def _line(**changes: Any) -> dict[str, Any]:
    line = dict(TOMATOES)
    for key, value in changes.items():
        if value is ...:
            del line[key]
        else:
            line[key] = value
    return line


@pytest.mark.parametrize(
    ("amount", "lines", "field", "message"),
    [
        (30.0, None, "refunded_amount", "refunded_amount must be an int in minor units, not float"),
        (True, None, "refunded_amount", "refunded_amount must be an int in minor units, not bool"),
        (
            Decimal("30"),
            None,
            "refunded_amount",
            "refunded_amount must be an int in minor units, not Decimal",
        ),
        ("3000", None, "refunded_amount", "refunded_amount must be an int in minor units, not str"),
        (0, None, "refunded_amount", "refunded_amount is 0, it must be between 1 and 200000000"),
        (-5, None, "refunded_amount", "refunded_amount is -5, it must be between 1 and 200000000"),
        (
            200_000_001,
            None,
            "refunded_amount",
            "refunded_amount is 200000001, it must be between 1 and 200000000",
        ),
        (
            3000,
            [_line(quantity=-1, total_amount=-600)],
            "order_lines[0].quantity",
            "order_lines[0].quantity is -1, it must be between 0 and 9223372036854775807",
        ),
        (
            3000,
            [_line(total_amount=2999)],
            "order_lines[0].total_amount",
            "order_lines[0].total_amount is 2999, but quantity × unit_price − "
            "total_discount_amount is 3000",
        ),
        (2900, [_line(total_discount_amount=100, total_amount=2900)], None, None),
        (
            3000,
            [_line(total_discount_amount=-1)],
            "order_lines[0].total_discount_amount",
            "order_lines[0].total_discount_amount is -1, it must be between 0 and 200000000",
        ),
        (
            3000,
            [_line(unit_price=600.0)],
            "order_lines[0].unit_price",
            "order_lines[0].unit_price must be an int in minor units, not float",
        ),
        (
            3000,
            [_line(tax_rate=-1)],
            "order_lines[0].tax_rate",
            "order_lines[0].tax_rate is -1, it must be between 0 and 2147483647",
        ),
        (
            3000,
            [_line(total_tax_amount=2**63)],
            "order_lines[0].total_tax_amount",
            "order_lines[0].total_tax_amount is 9223372036854775808, it must be between "
            "-9223372036854775808 and 200000000",
        ),
        (
            3000,
            [_line(name="x" * 256)],
            "order_lines[0].name",
            "order_lines[0].name is 256 characters long, at most 255 are allowed",
        ),
        (
            3000,
            [_line(quantity_unit="kilograms!!")],
            "order_lines[0].quantity_unit",
            "order_lines[0].quantity_unit is 11 characters long, at most 10 are allowed",
        ),
        (
            3000,
            [_line(name=None)],
            "order_lines[0].name",
            "order_lines[0].name must be a str, not NoneType",
        ),
        (3000, [_line(name=...)], "order_lines[0].name", "order_lines[0].name is required"),
        (
            3000,
            [_line(unit_prize=600)],
            "order_lines[0]",
            "order_lines[0] has unknown fields ['unit_prize']",
        ),
        (
            3000,
            [_line(type=5)],
            "order_lines[0].type",
            "order_lines[0].type must be a str, not int",
        ),
        (
            3001,
            [TOMATOES],
            "order_lines",
            "order_lines add up to 3000, but refunded_amount is 3001",
        ),
        (3000, "lines", "order_lines", "order_lines must be a list of order lines"),
        (
            3000,
            [TOMATOES] * 1001,
            "order_lines",
            "order_lines has 1001 lines, at most 1000 are allowed",
        ),
        (3000, [42], "order_lines[0]", "order_lines[0] must be an OrderLine or a mapping, not int"),
        (
            3000,
            [_line(product_identifiers={"brand": "b" * 71})],
            "order_lines[0].product_identifiers.brand",
            "order_lines[0].product_identifiers.brand is 71 characters long, "
            "at most 70 are allowed",
        ),
        (
            3000,
            [_line(product_identifiers={"colour": "red"})],
            "order_lines[0].product_identifiers",
            "order_lines[0].product_identifiers has unknown fields ['colour']",
        ),
        (
            3000,
            [_line(product_identifiers="Intel")],
            "order_lines[0].product_identifiers",
            "order_lines[0].product_identifiers must be a mapping",
        ),
        (
            3000,
            [_line(subscription={"name": "Box", "interval": "MONTH"})],
            "order_lines[0].subscription",
            "order_lines[0].subscription must have exactly name, interval and interval_count",
        ),
        (
            3000,
            [_line(subscription={"name": "Box", "interval": "MONTH", "interval_count": 0})],
            "order_lines[0].subscription.interval_count",
            "order_lines[0].subscription.interval_count is 0, it must be between 1 and 2147483647",
        ),
    ],
)
def test_money_checks(amount: Any, lines: Any, field: str | None, message: str | None) -> None:
    if field is None:
        assert check_refund(amount, lines)["refunded_amount"] == amount
        return
    with pytest.raises(InvalidRefundError) as info:
        check_refund(amount, lines)
    assert (info.value.field, str(info.value)) == (field, message)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"reference": "r" * 256},
            "reference",
            "reference is 256 characters long, at most 255 are allowed",
        ),
        ({"description": 12}, "description", "description must be a str, not int"),
    ],
)
def test_refund_text_limits(kwargs: dict[str, Any], field: str, message: str) -> None:
    # Text is not money: a too-long description is an InvalidInputError, not a money error.
    with pytest.raises(InvalidInputError) as info:
        check_refund(100, None, **kwargs)
    assert (type(info.value), info.value.field, str(info.value)) == (
        InvalidInputError,
        field,
        message,
    )


@pytest.mark.parametrize(
    ("lines", "fee", "field", "message"),
    [
        (
            [TSHIRT],
            0,
            "return_fee.amount",
            "return_fee.amount is 0, it must be between 1 and 200000000",
        ),
        (
            [TSHIRT],
            -500,
            "return_fee.amount",
            "return_fee.amount is -500, it must be between 1 and 200000000",
        ),
        (
            [TSHIRT],
            5.0,
            "return_fee.amount",
            "return_fee.amount must be an int in minor units, not float",
        ),
        (
            [TSHIRT],
            10000,
            "return_fee",
            "return fee 10000 must be smaller than the returned goods (10000)",
        ),
        (
            [TSHIRT],
            ReturnFee(100, tax_rate=-1),
            "return_fee.tax_rate",
            "return_fee.tax_rate is -1, it must be between 0 and 2147483647",
        ),
        (
            [TSHIRT],
            ReturnFee(100, name="n" * 256),
            "return_fee.name",
            "return_fee.name is 256 characters long, at most 255 are allowed",
        ),
        ([], 100, "order_lines", "a return fee needs the returned order_lines"),
        (
            [TSHIRT, {**TSHIRT, "type": "return_fee", "unit_price": -5, "total_amount": -5}],
            100,
            "order_lines",
            "order_lines already hold a return_fee line; pass the fee as return_fee only",
        ),
    ],
)
def test_return_fee_checks(lines: Any, fee: Any, field: str, message: str) -> None:
    with pytest.raises(InvalidRefundError) as info:
        refund_with_return_fee_body(lines, fee)
    assert (info.value.field, str(info.value)) == (field, message)


def test_a_failed_check_sends_nothing(harness: Harness) -> None:
    rec = Recorder(created())
    client = harness.client(rec)
    with pytest.raises(InvalidRefundError):
        client.refund_order("o-1", 3001, order_lines=[TOMATOES])
    with pytest.raises(InvalidRefundError):
        client.refund_with_return_fee("o-1", [TSHIRT], 20000)
    with pytest.raises(InvalidRefundError):
        client.refund_return_fee("o-1", 0)
    assert rec.requests == []


def test_refund_with_return_fee_sends_klarnas_body(harness: Harness) -> None:
    rec = Recorder(created())
    result = harness.client(rec).refund_with_return_fee(
        "o-1",
        [TSHIRT],
        500,
        reference="1786c73b",
        description="Returned T-shirt",
        idempotency_key="k-fee",
    )
    assert rec.body() == {
        "refunded_amount": 9500,
        "reference": "1786c73b",
        "description": "Returned T-shirt",
        "order_lines": [
            TSHIRT,
            {
                "type": "return_fee",
                "name": "Return fee",
                "quantity": 1,
                "unit_price": -500,
                "total_amount": -500,
            },
        ],
    }
    assert (result.refund_id, result.idempotency_key) == ("r-1", "k-fee")


def test_refund_return_fee_sends_a_new_amount_only_refund(harness: Harness) -> None:
    rec = Recorder(created("r-2"))
    client = harness.client(rec)
    assert client.refund_return_fee("o-1", 500, reference="fee-back").refund_id == "r-2"
    client.refund_return_fee("o-1", 500, description="Fee waived")
    assert [rec.body(0), rec.body(1)] == [
        {"refunded_amount": 500, "reference": "fee-back", "description": "Return fee refunded"},
        {"refunded_amount": 500, "description": "Fee waived"},
    ]
