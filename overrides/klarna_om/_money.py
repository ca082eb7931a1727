"""Klarna's refund arithmetic and return-fee helpers: pure functions, run before anything is sent.

Exists because the generated models validate nothing (a float or a wrong total would be sent).
Field kinds and bounds come from spec/ through the generated models' ``SPEC_FIELDS`` (checked by
``_validation``); this module adds only Klarna's arithmetic: line totals, lines that add up to the
refund, the return-fee line and its tax. Error messages name the field and the amounts, never
free text the caller passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeAlias

import attrs

from klarna_om_generated.models import OrderLine
from klarna_om_generated.models.order_line import OrderLineInput

from ._errors import InvalidRefundError
from ._public import publish
from ._validation import INT32_MAX, INT64_MAX, check_int, check_object, check_value, spec_fields

_REFUND_FIELDS = spec_fields("RefundObject")
_LINE_FIELDS = spec_fields("OrderLine")
#: The largest amount spec/ allows (``RefundObject.refunded_amount``'s maximum).
MAX_AMOUNT: int = _REFUND_FIELDS["refunded_amount"].maximum or INT64_MAX
RETURN_FEE = "return_fee"

#: What the methods take as an order line: the generated model, or a dict with Klarna's field
#: names typed by ``OrderLineInput`` (a misspelt key is a type error). At run time any mapping is
#: checked field by field, so an untyped caller gets ``InvalidRefundError`` instead.
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
    low = -INT64_MAX - 1 if minimum is None else minimum
    high = INT64_MAX if maximum is None else maximum
    return check_int(field, value, low, high, error=InvalidRefundError, unit=" in minor units")


def _line_dict(line: object, field: str) -> dict[str, Any]:
    if isinstance(line, OrderLine):
        return line.to_dict()
    if isinstance(line, Mapping):
        return dict(line)
    raise InvalidRefundError(
        f"{field} must be an OrderLine or a mapping, not {type(line).__name__}", field=field
    )


def check_order_line(line: OrderLineLike | Mapping[str, Any], index: int) -> dict[str, Any]:
    """Validate one order line against spec/ and Klarna's line total; return it as a dict."""
    prefix = f"order_lines[{index}]"
    data = check_object(
        prefix,
        _line_dict(line, prefix),
        _LINE_FIELDS,
        error=InvalidRefundError,
        unit=" in minor units",
    )
    expected = data["quantity"] * data["unit_price"] - data.get("total_discount_amount", 0)
    if data["total_amount"] != expected:
        raise InvalidRefundError(
            f"{prefix}.total_amount is {data['total_amount']}, but quantity × unit_price − "
            f"total_discount_amount is {expected}",
            field=f"{prefix}.total_amount",
        )
    return data


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
    fields = _REFUND_FIELDS
    body: dict[str, Any] = {
        "refunded_amount": check_value(
            "refunded_amount",
            refunded_amount,
            fields["refunded_amount"],
            error=InvalidRefundError,
            unit=" in minor units",
        )
    }
    for name, value in (("reference", reference), ("description", description)):
        if value is not None:
            body[name] = check_value(name, value, fields[name])
    if order_lines is None:
        return body
    if isinstance(order_lines, (str, bytes, Mapping)) or not isinstance(order_lines, Sequence):
        raise InvalidRefundError("order_lines must be a list of order lines", field="order_lines")
    most = fields["order_lines"].max_items
    if most is not None and len(order_lines) > most:
        raise InvalidRefundError(
            f"order_lines has {len(order_lines)} lines, at most {most} are allowed",
            field="order_lines",
        )
    lines = [check_order_line(line, i) for i, line in enumerate(order_lines)]
    total = sum(line["total_amount"] for line in lines)
    if lines and total != body["refunded_amount"]:
        raise InvalidRefundError(
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
        "name": check_value(
            "return_fee.name", fee.name, _LINE_FIELDS["name"], error=InvalidRefundError
        ),
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
        raise InvalidRefundError("a return fee needs the returned order_lines", field="order_lines")
    goods = [check_order_line(line, i) for i, line in enumerate(order_lines)]
    if any(line.get("type") == RETURN_FEE for line in goods):
        raise InvalidRefundError(
            "order_lines already hold a return_fee line; pass the fee as return_fee only",
            field="order_lines",
        )
    fee_line = return_fee_line(return_fee)
    goods_total = sum(line["total_amount"] for line in goods)
    if -fee_line["total_amount"] >= goods_total:
        raise InvalidRefundError(
            f"return fee {-fee_line['total_amount']} must be smaller than the returned goods "
            f"({goods_total})",
            field="return_fee",
        )
    lines = [*goods, fee_line]
    return check_refund(
        goods_total + fee_line["total_amount"], lines, reference=reference, description=description
    )


publish(globals())
