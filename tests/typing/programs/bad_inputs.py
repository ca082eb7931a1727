"""A user's mistakes that mypy --strict must report (each line marked ``# E: <code>``).

scripts/typecheck.sh skips this file; tests/typing/test_typing.py checks that mypy reports
exactly the marked errors.
"""

from __future__ import annotations

from klarna_om import KlarnaOrderManagement, Order, OrderLineInput, Refund

LINE: OrderLineInput = {"name": "x", "quantity": 1, "unit_price": 6, "total_amount": 6}


def mistakes(client: KlarnaOrderManagement, refund: Refund, order: Order) -> None:
    """Each statement holds one mistake."""
    typo = {"name": "x", "quantity": 1, "unit_prize": 6, "total_amount": 6}
    client.refund_order("o-1", 6, order_lines=[typo])  # E: list-item
    typed_typo: OrderLineInput = {**LINE, "unit_prize": 6}  # E: typeddict-unknown-key
    missing: OrderLineInput = {"name": "Tomatoes", "quantity": 1}  # E: typeddict-item
    wrong: OrderLineInput = {**LINE, "quantity": "1"}  # E: typeddict-item
    order.remaining_authorized_amount + 100  # E: operator
    refund.refunded_amount = 5  # E: misc
    del typed_typo, missing, wrong
