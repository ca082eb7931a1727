"""Money checks and return-fee helpers: pure functions, run before anything is sent.

Exists because the generated models validate nothing (a float or a wrong total would be sent).
Bounds mirror spec/ (a contract test keeps them equal); importing this module reads no spec file.
Error messages name the field and the amounts, never free text the caller passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeAlias

import attrs

from klarna_om_generated.models import OrderLine
from klarna_om_generated.models.order_line import OrderLineInput

from ._errors import MoneyValidationError
from ._validation import INT32_MAX, check_int, check_text

MAX_AMOUNT = 200_000_000
#: The smallest refund: spec/ says 1 where Klarna's definition says 0 (spec/deviations.yaml).
MIN_REFUND_AMOUNT = 1
MAX_ORDER_LINES = 1000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
RETURN_FEE = "return_fee"

#: Maximum string lengths, as declared in spec/ (RefundObject, OrderLine and its objects).
REFUND_TEXT_LIMITS = {"description": 255, "reference": 255}
ORDER_LINE_TEXT_LIMITS = {
    "name": 255,
    "reference": 255,
    "quantity_unit": 10,
    "merchant_data": 1024,
    "product_url": 1024,
    "image_url": 1024,
}
PRODUCT_IDENTIFIER_LIMITS = {
    "brand": 70,
    "category_path": 750,
    "global_trade_item_number": 50,
    "manufacturer_part_number": 70,
    "color": 64,
    "size": 64,
}
SUBSCRIPTION_NAME_LIMIT = 255
#: (minimum, maximum) of each integer field of an order line; None means unbounded.
ORDER_LINE_INT_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    "quantity": (0, None),
    "unit_price": (None, MAX_AMOUNT),
    "total_amount": (None, MAX_AMOUNT),
    "total_discount_amount": (0, MAX_AMOUNT),
    "total_tax_amount": (None, MAX_AMOUNT),
    "tax_rate": (0, INT32_MAX),
}
ORDER_LINE_REQUIRED = ("name", "quantity", "unit_price", "total_amount")
ORDER_LINE_FIELDS = frozenset(
    {*ORDER_LINE_TEXT_LIMITS, *ORDER_LINE_INT_BOUNDS, "type", "product_identifiers", "subscription"}
)

#: What the methods take as an order line: the generated model, or a dict with Klarna's field
#: names typed by ``OrderLineInput`` (a misspelt key is a type error). At run time any mapping is
#: checked field by field, so an untyped caller gets ``MoneyValidationError`` instead.
OrderLineLike: TypeAlias = OrderLine | OrderLineInput


@attrs.frozen
class ReturnFee:
    """A return fee to charge: ``amount`` in minor units (> 0), ``tax_rate`` with two decimals."""

    amount: int
    tax_rate: int = 0
    name: str = "Return fee"


def check_amount(
    field: str, value: object, *, minimum: int | None = 0, maximum: int | None = MAX_AMOUNT
) -> int:
    """Return ``value`` if it is an int in minor units within bounds; raise otherwise.

    Floats, Decimals, bools and numeric strings are refused: money is counted in integers.
    """
    low = INT64_MIN if minimum is None else minimum
    high = INT64_MAX if maximum is None else maximum
    return check_int(field, value, low, high, error=MoneyValidationError, unit=" in minor units")


def check_line_text(field: str, value: object, limit: int) -> str:
    """``check_text`` for the text of an order line, whose errors are money errors."""
    return check_text(field, value, limit, error=MoneyValidationError)


def _line_dict(line: object, field: str) -> dict[str, Any]:
    if isinstance(line, OrderLine):
        return line.to_dict()
    if isinstance(line, Mapping):
        return dict(line)
    raise MoneyValidationError(
        f"{field} must be an OrderLine or a mapping, not {type(line).__name__}", field=field
    )


def check_order_line(line: OrderLineLike | Mapping[str, Any], index: int) -> dict[str, Any]:
    """Validate one order line; return it as a dict with Klarna's field names."""
    prefix = f"order_lines[{index}]"
    data = _line_dict(line, prefix)
    unknown = sorted(set(data) - ORDER_LINE_FIELDS)
    if unknown:
        raise MoneyValidationError(f"{prefix} has unknown fields {unknown}", field=prefix)
    for name in ORDER_LINE_REQUIRED:
        if name not in data:
            raise MoneyValidationError(f"{prefix}.{name} is required", field=f"{prefix}.{name}")
    for name, (low, high) in ORDER_LINE_INT_BOUNDS.items():
        if name in data:
            check_amount(f"{prefix}.{name}", data[name], minimum=low, maximum=high)
    for name, limit in ORDER_LINE_TEXT_LIMITS.items():
        if name in data:
            check_line_text(f"{prefix}.{name}", data[name], limit)
    if "type" in data:
        check_line_text(f"{prefix}.type", data["type"], 64)
    _check_object(data, "product_identifiers", prefix, PRODUCT_IDENTIFIER_LIMITS)
    _check_subscription(data, prefix)
    expected = data["quantity"] * data["unit_price"] - data.get("total_discount_amount", 0)
    if data["total_amount"] != expected:
        raise MoneyValidationError(
            f"{prefix}.total_amount is {data['total_amount']}, but quantity × unit_price − "
            f"total_discount_amount is {expected}",
            field=f"{prefix}.total_amount",
        )
    return data


def _check_object(
    data: Mapping[str, Any], key: str, prefix: str, limits: Mapping[str, int]
) -> None:
    if key not in data:
        return
    value = data[key]
    where = f"{prefix}.{key}"
    if not isinstance(value, Mapping):
        raise MoneyValidationError(f"{where} must be a mapping", field=where)
    unknown = sorted(set(value) - set(limits))
    if unknown:
        raise MoneyValidationError(f"{where} has unknown fields {unknown}", field=where)
    for name, limit in limits.items():
        if name in value:
            check_line_text(f"{where}.{name}", value[name], limit)


def _check_subscription(data: Mapping[str, Any], prefix: str) -> None:
    if "subscription" not in data:
        return
    value = data["subscription"]
    where = f"{prefix}.subscription"
    if not isinstance(value, Mapping) or set(value) != {"name", "interval", "interval_count"}:
        raise MoneyValidationError(
            f"{where} must have exactly name, interval and interval_count", field=where
        )
    check_line_text(f"{where}.name", value["name"], SUBSCRIPTION_NAME_LIMIT)
    check_line_text(f"{where}.interval", value["interval"], 16)
    check_amount(f"{where}.interval_count", value["interval_count"], minimum=1, maximum=INT32_MAX)


def check_refund(
    refunded_amount: object,
    order_lines: Sequence[OrderLineLike | Mapping[str, Any]] | None,
    *,
    reference: object = None,
    description: object = None,
) -> dict[str, Any]:
    """Validate a refund request; return its JSON body (Klarna's field names).

    ``refunded_amount`` must be > 0; with order lines, their ``total_amount`` must add up to it
    (Klarna needs that to allocate the refund to the right capture).
    """
    body: dict[str, Any] = {
        "refunded_amount": check_amount(
            "refunded_amount", refunded_amount, minimum=MIN_REFUND_AMOUNT
        )
    }
    for name, value in (("reference", reference), ("description", description)):
        if value is not None:
            body[name] = check_text(name, value, REFUND_TEXT_LIMITS[name])
    if order_lines is None:
        return body
    if isinstance(order_lines, (str, bytes, Mapping)) or not isinstance(order_lines, Sequence):
        raise MoneyValidationError("order_lines must be a list of order lines", field="order_lines")
    if len(order_lines) > MAX_ORDER_LINES:
        raise MoneyValidationError(
            f"order_lines has {len(order_lines)} lines, at most {MAX_ORDER_LINES} are allowed",
            field="order_lines",
        )
    lines = [check_order_line(line, i) for i, line in enumerate(order_lines)]
    total = sum(line["total_amount"] for line in lines)
    if lines and total != body["refunded_amount"]:
        raise MoneyValidationError(
            f"order_lines add up to {total}, but refunded_amount is {body['refunded_amount']}",
            field="order_lines",
        )
    body["order_lines"] = lines
    return body


def return_fee_tax(amount: int, tax_rate: int) -> int:
    """The tax included in ``amount`` at ``tax_rate`` (2500 = 25 %), as Klarna computes it.

    ``amount − amount·10000/(10000 + tax_rate)``, rounded half away from zero.
    """
    exact = amount - Fraction(amount * 10000, 10000 + tax_rate)
    magnitude = int(abs(exact) + Fraction(1, 2))
    return magnitude if exact >= 0 else -magnitude


def return_fee_line(fee: int | ReturnFee) -> dict[str, Any]:
    """Klarna's order line that charges ``fee``: type return_fee, quantity 1, negative prices."""
    fee = fee if isinstance(fee, ReturnFee) else ReturnFee(fee)
    amount = check_amount("return_fee.amount", fee.amount, minimum=1)
    tax_rate = check_amount("return_fee.tax_rate", fee.tax_rate, minimum=0, maximum=INT32_MAX)
    line: dict[str, Any] = {
        "type": RETURN_FEE,
        "name": check_line_text("return_fee.name", fee.name, ORDER_LINE_TEXT_LIMITS["name"]),
        "quantity": 1,
        "unit_price": -amount,
        "total_amount": -amount,
    }
    if tax_rate:
        line["tax_rate"] = tax_rate
        line["total_tax_amount"] = return_fee_tax(-amount, tax_rate)
    return line


def refund_with_return_fee_body(
    order_lines: Sequence[OrderLineLike],
    return_fee: int | ReturnFee,
    *,
    reference: object = None,
    description: object = None,
) -> dict[str, Any]:
    """The body of a refund of ``order_lines`` that charges ``return_fee``.

    ``refunded_amount`` = Σ ``total_amount`` of the returned lines − the fee. The fee must be
    > 0 and smaller than the returned goods.
    """
    if isinstance(order_lines, (str, bytes, Mapping)) or not order_lines:
        raise MoneyValidationError(
            "a return fee needs the returned order_lines", field="order_lines"
        )
    goods = [check_order_line(line, i) for i, line in enumerate(order_lines)]
    if any(line.get("type") == RETURN_FEE for line in goods):
        raise MoneyValidationError(
            "order_lines already hold a return_fee line; pass the fee as return_fee only",
            field="order_lines",
        )
    fee_line = return_fee_line(return_fee)
    goods_total = sum(line["total_amount"] for line in goods)
    if -fee_line["total_amount"] >= goods_total:
        raise MoneyValidationError(
            f"return fee {-fee_line['total_amount']} must be smaller than the returned goods "
            f"({goods_total})",
            field="return_fee",
        )
    lines = [*goods, fee_line]
    return check_refund(
        goods_total + fee_line["total_amount"], lines, reference=reference, description=description
    )
