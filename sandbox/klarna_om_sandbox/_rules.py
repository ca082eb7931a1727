"""Klarna's Order Management rules, as pure functions on order documents.

Each function checks one operation against an order and changes the order in place; a refusal
raises ``SandboxError`` with Klarna's status, error code and message. Nothing here does I/O.
A rule of a few lines may live in its handler (``_handlers``) instead, with the helpers here:
``new_capture`` (a capture record), ``update_totals`` (the amounts and status after a change)
and ``SandboxError``; a rule shared by operations or longer than that belongs here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

#: Fees (minor units) per extension of a capture's due date, by number of days. Klarna's
#: prices depend on market and order value; the sandbox uses this fixed table. A currency not
#: listed uses the EUR row.
PRICE_TABLE: dict[str, dict[int, int]] = {
    "EUR": {2: 0, 10: 195, 30: 395, 60: 695},
    "USD": {2: 0, 10: 195, 30: 395, 60: 695},
    "GBP": {2: 0, 10: 165, 30: 345, 60: 595},
    "CHF": {2: 0, 10: 195, 30: 395, 60: 695},
    "SEK": {2: 0, 10: 2900, 30: 4900, 60: 7900},
    "NOK": {2: 0, 10: 2900, 30: 4900, 60: 7900},
    "DKK": {2: 0, 10: 1500, 30: 2900, 60: 4900},
    "AUD": {2: 0, 10: 295, 30: 595, 60: 995},
}
MAX_AMOUNT = 200_000_000
RETURN_FEE = "return_fee"


@attrs.frozen
class SandboxError(Exception):
    """A refusal with Klarna's status, error code and one message."""

    status: int
    error_code: str
    message: str

    def __str__(self) -> str:
        return f"{self.status} {self.error_code}: {self.message}"


def _short(value: str) -> str:
    return value if len(value) <= 64 else value[:61] + "..."


def _int(seed: Mapping[str, Any], name: str, *, minimum: int = 0) -> int:
    value = seed.get(name)
    if type(value) is not int or not minimum <= value <= MAX_AMOUNT:
        raise SandboxError(400, "BAD_VALUE", f"Bad value: {name}")
    return value


def _lines(value: Any, name: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SandboxError(400, "BAD_VALUE", f"Bad value: {name}")
    return [dict(v) for v in value]


def new_order(
    seed: Mapping[str, Any], *, order_id: str, capture_ids: list[str], now: str
) -> dict[str, Any]:
    """Build an order from a seed: ``{order_amount, purchase_currency, order_lines, captures}``.

    Each capture is ``{captured_amount, order_lines}``; ``cancelled: true`` seeds a cancelled
    order (only without captures).
    """
    if not isinstance(seed, Mapping):
        raise SandboxError(400, "BAD_VALUE", "Bad value: request body")
    order_amount = _int(seed, "order_amount", minimum=1)
    currency = seed.get("purchase_currency", "EUR")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise SandboxError(400, "BAD_VALUE", "Bad value: purchase_currency")
    captures_in = seed.get("captures") or []
    if not isinstance(captures_in, list) or not all(isinstance(c, dict) for c in captures_in):
        raise SandboxError(400, "BAD_VALUE", "Bad value: captures")
    if len(capture_ids) != len(captures_in):
        raise ValueError("one capture id per capture")
    captures: list[dict[str, Any]] = [
        new_capture(
            cid,
            _int(c, "captured_amount", minimum=1),
            _lines(c.get("order_lines"), "captures.order_lines"),
            now=now,
        )
        for cid, c in zip(capture_ids, captures_in, strict=True)
    ]
    captured = sum(c["captured_amount"] for c in captures)
    if captured > order_amount:
        raise SandboxError(400, "BAD_VALUE", "Bad value: captures exceed order_amount")
    cancelled = seed.get("cancelled", False) is True
    if cancelled and captures:
        raise SandboxError(400, "BAD_VALUE", "Bad value: a cancelled order has no captures")
    order = {
        "order_id": order_id,
        "status": "CANCELLED" if cancelled else "AUTHORIZED",
        "purchase_currency": currency.upper(),
        "order_amount": order_amount,
        "original_order_amount": order_amount,
        "order_lines": _lines(seed.get("order_lines"), "order_lines"),
        "captures": captures,
        "refunds": [],
        "released": False,
        "created_at": now,
    }
    update_totals(order)
    return order


def new_capture(
    capture_id: str, amount: int, order_lines: list[dict[str, Any]], *, now: str
) -> dict[str, Any]:
    """A capture record as the order keeps it (nothing refunded, due date not extended)."""
    return {
        "capture_id": capture_id,
        "captured_amount": amount,
        "captured_at": now,
        "order_lines": order_lines,
        "refunded_amount": 0,
        "extended_by_days": None,
    }


def update_totals(order: dict[str, Any]) -> None:
    """Recompute the order's captured, refunded and authorized amounts and its status."""
    captured = sum(c["captured_amount"] for c in order["captures"])
    order["captured_amount"] = captured
    order["refunded_amount"] = sum(r["refunded_amount"] for r in order["refunds"])
    if order["status"] == "CANCELLED":
        order["remaining_authorized_amount"] = 0
        return
    order["remaining_authorized_amount"] = (
        0 if order["released"] else order["order_amount"] - captured
    )
    if captured == 0:
        order["status"] = "AUTHORIZED"
    elif captured >= order["order_amount"]:
        order["status"] = "CAPTURED"
    else:
        order["status"] = "PART_CAPTURED"


def refund(
    order: dict[str, Any], body: Mapping[str, Any], *, refund_id: str, now: str
) -> dict[str, Any]:
    """Apply a refund request (already valid against the spec); return the refund."""
    amount: int = body["refunded_amount"]
    lines = [dict(line) for line in body.get("order_lines") or []]
    if not order["captures"]:
        raise SandboxError(403, "REFUND_NOT_ALLOWED", "Order has no captures. Refund not possible.")
    if amount > order["captured_amount"] - order["refunded_amount"]:
        raise SandboxError(
            403, "REFUND_NOT_ALLOWED", "Over refund is not allowed. Refund not possible."
        )
    if lines and sum(line["total_amount"] for line in lines) != amount:
        raise SandboxError(
            403,
            "REFUND_NOT_ALLOWED",
            "Order lines do not add up to refunded_amount. Refund not possible.",
        )
    if any(line.get("type") == RETURN_FEE for line in lines) and not (
        len(order["captures"]) == 1 and order["captured_amount"] == order["order_amount"]
    ):
        raise SandboxError(
            403,
            "REFUND_NOT_ALLOWED",
            "Return fees need an order captured in full by a single capture.",
        )
    _allocate(order, amount, lines)
    record = {
        "refund_id": refund_id,
        "refunded_amount": amount,
        "refunded_at": now,
        "credit_invoice": False,
    }
    for name in ("description", "reference"):
        if name in body:
            record[name] = body[name]
    if lines:
        record["order_lines"] = lines
    order["refunds"].append(record)
    update_totals(order)
    return record


def _allocate(order: dict[str, Any], amount: int, lines: list[dict[str, Any]]) -> None:
    """Book the refund on captures: the one whose line references match, else in order."""
    captures = order["captures"]

    def room(capture: dict[str, Any]) -> int:
        return int(capture["captured_amount"] - capture["refunded_amount"])

    wanted = {
        line["reference"]
        for line in lines
        if line.get("type") != RETURN_FEE and "reference" in line
    }
    if wanted:
        for capture in captures:
            refs = {line.get("reference") for line in capture["order_lines"]}
            if wanted <= refs and room(capture) >= amount:
                capture["refunded_amount"] += amount
                return
    left = amount
    for capture in captures:
        share = min(left, room(capture))
        capture["refunded_amount"] += share
        left -= share


def find_refund(order: dict[str, Any], refund_id: str) -> dict[str, Any]:
    """The refund of ``order`` with ``refund_id``, or 404."""
    for record in order["refunds"]:
        if record["refund_id"] == refund_id:
            return dict(record)
    raise SandboxError(
        404,
        "NOT_FOUND",
        f"Refund {_short(refund_id)} cannot be found for order {_short(order['order_id'])}",
    )


def release(order: dict[str, Any]) -> None:
    """Release the remaining authorization of a partly captured order."""
    if order["status"] == "CANCELLED":
        raise SandboxError(403, "NOT_ALLOWED", "Can not release when order is cancelled.")
    if not order["captures"]:
        raise SandboxError(403, "NOT_ALLOWED", "Order has no captures. Cancel the order instead.")
    if order["captured_amount"] >= order["order_amount"]:
        raise SandboxError(
            403,
            "NOT_ALLOWED",
            "Order is fully captured. Remaining authorization cannot be released.",
        )
    if order["released"]:
        raise SandboxError(403, "NOT_ALLOWED", "Remaining authorization is already released.")
    order["released"] = True
    update_totals(order)


def find_capture(order: dict[str, Any], capture_id: str) -> dict[str, Any]:
    """The capture of ``order`` with ``capture_id``, or 404 NO_SUCH_CAPTURE."""
    for capture in order["captures"]:
        if capture["capture_id"] == capture_id:
            return dict(capture)
    raise SandboxError(
        404,
        "NO_SUCH_CAPTURE",
        f"Capture {_short(capture_id)} cannot be found for order {_short(order['order_id'])}",
    )


def extend_options(order: dict[str, Any], capture_id: str) -> dict[str, Any]:
    """The options for a capture: the price table, or none once its due date was extended."""
    capture = find_capture(order, capture_id)
    currency = order["purchase_currency"]
    prices = PRICE_TABLE.get(currency, PRICE_TABLE["EUR"])
    options = (
        []
        if capture["extended_by_days"] is not None
        else [{"number_of_days": days, "amount": fee} for days, fee in sorted(prices.items())]
    )
    return {"currency": currency, "options": options}


def extend(order: dict[str, Any], capture_id: str, number_of_days: int) -> None:
    """Extend a capture's due date by an offered number of days, once per capture."""
    capture = find_capture(order, capture_id)
    if capture["extended_by_days"] is not None:
        raise SandboxError(
            403,
            "NOT_ALLOWED",
            "Extension of due date is not possible: "
            "the due date of this capture was already extended.",
        )
    offered = {o["number_of_days"] for o in extend_options(order, capture_id)["options"]}
    if number_of_days not in offered:
        raise SandboxError(
            403,
            "NOT_ALLOWED",
            f"Extension of due date is not possible: {number_of_days} days is not offered.",
        )
    for stored in order["captures"]:
        if stored["capture_id"] == capture_id:
            stored["extended_by_days"] = number_of_days


def public_order(order: dict[str, Any]) -> dict[str, Any]:
    """The order as Klarna's ``GET /orders/{order_id}`` shows it (our bookkeeping removed)."""
    shown = {k: v for k, v in order.items() if k != "released"}
    shown["captures"] = [
        {k: v for k, v in c.items() if k != "extended_by_days"} for c in order["captures"]
    ]
    return shown
