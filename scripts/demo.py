"""`make demo`: every operation of the public client against the embedded sandbox, as a report."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from klarna_om import KlarnaOrderManagement, OrderLineInput, PermissionDeniedError, ReturnFee
from klarna_om_sandbox import SandboxServer

TSHIRT: OrderLineInput = {
    "type": "physical",
    "reference": "TS-BLUE-M",
    "name": "T-Shirt",
    "quantity": 1,
    "unit_price": 10000,
    "total_amount": 10000,
    "tax_rate": 2500,
    "total_tax_amount": 2000,
}
JEANS: OrderLineInput = {
    "type": "physical",
    "reference": "JE-501-32",
    "name": "Jeans",
    "quantity": 1,
    "unit_price": 20000,
    "total_amount": 20000,
    "tax_rate": 2500,
    "total_tax_amount": 4000,
}


def money(amount: Any, currency: str = "EUR") -> str:
    return f"{currency} {amount / 100:,.2f}"


def step(title: str) -> None:
    print(f"\n── {title}")


def line(label: str, value: object) -> None:
    print(f"   {label:<28} {value}")


def summary(sandbox: SandboxServer, order_id: str) -> None:
    order = sandbox.get_order(order_id)
    line("status", order["status"])
    for name in (
        "order_amount",
        "captured_amount",
        "refunded_amount",
        "remaining_authorized_amount",
    ):
        line(name, money(order[name], order["purchase_currency"]))
    for capture in order["captures"]:
        line(
            f"capture {capture['capture_id'][:8]}…",
            f"captured {money(capture['captured_amount'])}, "
            f"refunded {money(capture['refunded_amount'])}",
        )
    for refund in order["refunds"]:
        line(f"refund {refund['refund_id'][:8]}…", money(refund["refunded_amount"]))


def main() -> int:
    started = time.monotonic()
    print("klarna-om demo: the public client against the local Klarna Order Management sandbox")
    with (
        SandboxServer() as sandbox,
        KlarnaOrderManagement(
            sandbox.username, sandbox.password, base_url=sandbox.base_url
        ) as klarna,
    ):
        print(f"sandbox at {sandbox.base_url}  (client: {klarna!r})")

        step("An order of a T-shirt and jeans, captured in full by one capture")
        order = sandbox.create_order(
            30000,
            order_lines=[TSHIRT, JEANS],
            captures=[{"captured_amount": 30000, "order_lines": [TSHIRT, JEANS]}],
        )
        oid = order["order_id"]
        line("order_id", oid)

        step("Partial refund: the T-shirt came back")
        created = klarna.refund_order(
            oid,
            10000,
            order_lines=[TSHIRT],
            reference="return-0001",
            description="T-shirt returned",
        )
        line("Refund-Id", created.refund_id)
        line("Location", created.location)
        line("Klarna-Idempotency-Key", created.idempotency_key)

        step("Read it back")
        refund = klarna.get_refund(oid, created.refund_id)
        line("refunded_amount", money(refund.refunded_amount))
        line("refunded_at", refund.refunded_at)
        line(
            "order lines",
            [f"{ol.name} {money(ol.total_amount)}" for ol in refund.order_lines or []],
        )

        step("Refund with a return fee: the jeans came back, 5.00 return fee (25 % VAT)")
        fee = klarna.refund_with_return_fee(
            oid, [JEANS], ReturnFee(500, tax_rate=2500), reference="return-0002"
        )
        with_fee = klarna.get_refund(oid, fee.refund_id)
        line(
            "refunded_amount",
            f"{money(with_fee.refunded_amount)}  (goods EUR 200.00 − fee EUR 5.00)",
        )
        for ol in with_fee.order_lines or []:
            line(
                f"  {ol.type_}",
                f"{ol.name}: total {money(ol.total_amount)}, tax {money(ol.total_tax_amount)}",
            )

        step("Give the return fee back (a new refund of the fee's amount)")
        back = klarna.refund_return_fee(oid, 500, reference="return-0002-fee")
        line("Refund-Id", back.refund_id)

        step("Order summary")
        summary(sandbox, oid)

        step("A partly captured order: release the remaining authorization")
        partial = sandbox.create_order(
            30000,
            order_lines=[TSHIRT, JEANS],
            captures=[{"captured_amount": 10000, "order_lines": [TSHIRT]}],
        )
        line(
            "before",
            money(sandbox.get_order(partial["order_id"])["remaining_authorized_amount"])
            + " still authorized",
        )
        klarna.release_remaining_authorization(partial["order_id"])
        line(
            "after",
            money(sandbox.get_order(partial["order_id"])["remaining_authorized_amount"])
            + " still authorized",
        )

        step("Extend the payment due date: get_order finds the capture")
        read = klarna.get_order(oid)
        captures = read.captures or ()
        capture_id = captures[0].capture_id if captures else None
        if not isinstance(capture_id, str):
            raise SystemExit("get_order returned no capture")
        line("status", read.status)
        line("refunded_amount", money(read.refunded_amount or 0, read.purchase_currency or ""))
        line("capture_id", capture_id)
        options = klarna.get_extend_due_date_options(oid, capture_id)
        for option in options.options or ():
            line(
                f"{option.number_of_days} days",
                f"fee {money(option.amount, options.currency or '')}",
            )
        klarna.extend_due_date(oid, capture_id, 30)
        line("extended by", "30 days")

        step("An over-refund is refused before any money moves")
        try:
            klarna.refund_order(oid, 100)
        except PermissionDeniedError as err:
            line("raised", type(err).__name__)
            line("error_code", err.error_code)
            line("error_messages", err.error_messages)
            line("correlation_id", err.correlation_id)
        else:
            raise SystemExit("the over-refund was not refused")

        step("The response to a refund is lost after Klarna committed it")
        third = sandbox.create_order(
            10000,
            order_lines=[TSHIRT],
            captures=[{"captured_amount": 10000, "order_lines": [TSHIRT]}],
        )
        sandbox.add_fault("refundOrder", "drop_after_commit")
        logging.basicConfig(format="   log: %(message)s", stream=sys.stdout)
        logging.getLogger("klarna_om").setLevel(logging.DEBUG)
        retried = klarna.refund_order(third["order_id"], 2500)
        logging.getLogger("klarna_om").setLevel(logging.WARNING)
        refunds = klarna.get_order(third["order_id"]).refunds or ()
        line("client got Refund-Id", retried.refund_id)
        line(
            "get_order: refunds",
            [(r.refund_id, money(r.refunded_amount or 0)) for r in refunds],
        )
        if len(refunds) != 1 or refunds[0].refund_id != retried.refund_id:
            raise SystemExit("the retried refund was not applied exactly once")
        line("result", "retried with the same key: exactly one refund")

    print(f"\ndone in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
