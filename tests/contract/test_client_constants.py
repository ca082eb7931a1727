"""The client's own copies of spec bounds (importing klarna_om reads no spec) equal the spec's."""

from __future__ import annotations

from typing import Any

from klarna_om import _money
from tests._support.spec_tools import load_spec, resolve


def _props(name: str) -> dict[str, Any]:
    spec = load_spec()
    return {
        k: resolve(spec, v) for k, v in spec["components"]["schemas"][name]["properties"].items()
    }


def _max_lengths(name: str) -> dict[str, int]:
    return {k: v["maxLength"] for k, v in _props(name).items() if "maxLength" in v}


def test_text_limits_match_the_spec() -> None:
    assert _max_lengths("RefundObject") == _money.REFUND_TEXT_LIMITS
    assert _max_lengths("OrderLine") == _money.ORDER_LINE_TEXT_LIMITS
    assert _max_lengths("ProductIdentifiers") == _money.PRODUCT_IDENTIFIER_LIMITS
    assert _max_lengths("Subscription") == {"name": _money.SUBSCRIPTION_NAME_LIMIT}


def test_integer_bounds_match_the_spec() -> None:
    line = _props("OrderLine")
    assert {
        k: (v.get("minimum"), v.get("maximum"))
        for k, v in line.items()
        if v.get("type") == "integer"
    } == {
        k: (low, None if k == "tax_rate" else high)
        for k, (low, high) in _money.ORDER_LINE_INT_BOUNDS.items()
    }
    refund = _props("RefundObject")
    assert (refund["refunded_amount"]["minimum"], refund["refunded_amount"]["maximum"]) == (
        _money.MIN_REFUND_AMOUNT,
        _money.MAX_AMOUNT,
    )
    assert refund["order_lines"]["maxItems"] == _money.MAX_ORDER_LINES


def test_order_line_fields_and_required_match_the_spec() -> None:
    spec = load_spec()
    line = spec["components"]["schemas"]["OrderLine"]
    assert set(line["properties"]) == _money.ORDER_LINE_FIELDS
    assert tuple(line["required"]) == _money.ORDER_LINE_REQUIRED
