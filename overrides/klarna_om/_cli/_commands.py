"""One ``klarna-om`` command per operation, human or JSON output.

A refund with ``--reference`` follows ``_rules``: its key is derived from the merchant, order and
reference, and the order is read first, so running the same command again reports the refund
already made instead of making a second one. After a refund is created its id and key are shown
before anything else can fail, then the order is read back to confirm the amount.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

from .._errors import InvalidInputError, KlarnaError
from .._money import ReturnFee, refund_with_return_fee_body
from .._results import RefundCreated
from .._sync_client import KlarnaOrderManagement
from ._app import (
    AmountMismatchError,
    Refused,
    Settings,
    UnconfirmedError,
    cli,
    connection_options,
    handled,
    retry_command,
)
from ._output import emit, money, pairs, say, table
from ._rules import find_refund, refund_key

Send = Callable[[KlarnaOrderManagement, "str | None"], RefundCreated]


def _refund(
    settings: Settings,
    order_id: str,
    amount: int,
    reference: str | None,
    idempotency_key: str | None,
    send: Send,
) -> None:
    """Reconcile by reference, send, show the id and key at once, then confirm the amount."""
    with settings.client() as client:
        key = idempotency_key
        if reference is not None:
            key = key or refund_key(settings.merchant(), order_id, reference)
            order = client.get_order(order_id)
            found = find_refund(order.refunds or (), reference)
            if found is not None:
                if found.refunded_amount != amount:
                    raise Refused(
                        f"reference {reference!r} already names refund {found.refund_id} of "
                        f"{found.refunded_amount} on this order, not {amount}: a new refund "
                        "needs a new reference"
                    )
                data: dict[str, Any] = {"order_id": order_id, "refund_id": found.refund_id}
                data["reference"] = reference
                data |= {"refunded_amount": amount, "already_refunded": True}
                _show(settings, data, order.purchase_currency, "Already refunded (nothing sent)")
                return
        created = send(client, key)
        if not settings.as_json:  # the id and key first: nothing after this can hide them
            say(
                f"Refund created: refund_id {created.refund_id}, "
                f"idempotency_key {created.idempotency_key}"
            )
        try:
            currency, booked = _read_back(client, order_id, created.refund_id)
        except KlarnaError as exc:
            raise UnconfirmedError(
                f"refund {created.refund_id} was created but its amount could not be read back "
                f"({type(exc).__name__}); check it with: klarna-om get-refund {order_id} "
                f"{created.refund_id}",
                created.idempotency_key,
            ) from None
    if booked != amount:
        raise AmountMismatchError(
            f"Klarna answered with refund {created.refund_id} of {booked}, not the {amount} "
            "asked: this reference or key was used before, and no new refund was made",
            created.refund_id,
            created.idempotency_key,
        )
    data = {**created.to_dict(), "refunded_amount": amount, "already_refunded": False}
    _show(settings, data | {"reference": reference}, currency, None)
    if reference is None and idempotency_key is None and sys.stderr.isatty():
        say(
            "No --reference: running this command again makes a NEW refund. To repeat this "
            f"very refund safely (within 24 hours):\n  {retry_command(created.idempotency_key)}",
            err=True,
        )


def _read_back(
    client: KlarnaOrderManagement, order_id: str, refund_id: str
) -> tuple[str | None, int | None]:
    order = client.get_order(order_id)
    for item in order.refunds or ():
        if item.refund_id == refund_id:
            return order.purchase_currency, item.refunded_amount
    return order.purchase_currency, client.get_refund(order_id, refund_id).refunded_amount


def _show(
    settings: Settings, data: dict[str, Any], currency: str | None, title: str | None
) -> None:
    def human(console: Console) -> None:
        if title:
            console.print(title, markup=False)
        pairs(
            console,
            [
                ("refund_id", data["refund_id"]),
                ("order_id", data["order_id"]),
                ("amount", money(data["refunded_amount"], currency)),
                ("reference", data.get("reference")),
                ("idempotency_key", data.get("idempotency_key")),
            ],
        )

    emit(settings.as_json, {k: v for k, v in data.items() if v is not None}, human)


def _json_line(text: str) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise InvalidInputError("--line must be a JSON object", field="line") from None
    if not isinstance(value, dict):
        raise InvalidInputError("--line must be a JSON object", field="line")
    return value


_REFERENCE_HELP = (
    "Your reference of this refund (in Klarna's settlement files). It names the refund: the same"
    " command again never refunds twice"
)
_KEY_HELP = "Repeat a refund whose outcome was unknown, with the key printed then"


@cli.command()
@click.argument("order_id")
@click.argument("amount", type=int)
@click.option("--line", "lines", multiple=True, help="An order line as JSON (repeat for more)")
@click.option(
    "--return-fee",
    type=int,
    help="Charge a return fee (minor units), with --line; AMOUNT is the lines minus the fee",
)
@click.option("--reference", help=_REFERENCE_HELP)
@click.option("--description", help="Shown to the customer")
@click.option("--idempotency-key", help=_KEY_HELP)
@connection_options
@handled(write=True)
def refund(
    settings: Settings,
    order_id: str,
    amount: int,
    lines: tuple[str, ...],
    return_fee: int | None,
    reference: str | None,
    description: str | None,
    idempotency_key: str | None,
) -> None:
    """Refund AMOUNT (minor units) of ORDER_ID, optionally with order lines and a return fee."""
    parsed = [_json_line(text) for text in lines]
    if return_fee is not None:
        if not parsed:
            raise InvalidInputError("--return-fee needs the returned lines (--line)")
        body = refund_with_return_fee_body(
            parsed, ReturnFee(return_fee), reference=reference, description=description
        )
        if body["refunded_amount"] != amount:
            raise InvalidInputError(
                f"AMOUNT is {amount}, but the lines minus the return fee are "
                f"{body['refunded_amount']}",
                field="amount",
            )

    def send(client: KlarnaOrderManagement, key: str | None) -> RefundCreated:
        if return_fee is not None:
            return client.refund_with_return_fee(
                order_id,
                parsed,
                ReturnFee(return_fee),
                reference=reference,
                description=description,
                idempotency_key=key,
            )
        return client.refund_order(
            order_id,
            amount,
            order_lines=parsed or None,
            reference=reference,
            description=description,
            idempotency_key=key,
        )

    _refund(settings, order_id, amount, reference, idempotency_key, send)


@cli.command("refund-return-fee")
@click.argument("order_id")
@click.argument("amount", type=int)
@click.option("--reference", help=_REFERENCE_HELP)
@click.option("--description", help="Shown to the customer (default: Return fee refunded)")
@click.option("--idempotency-key", help=_KEY_HELP)
@connection_options
@handled(write=True)
def refund_return_fee(
    settings: Settings,
    order_id: str,
    amount: int,
    reference: str | None,
    description: str | None,
    idempotency_key: str | None,
) -> None:
    """Give a charged return fee of AMOUNT (minor units) back to the customer of ORDER_ID."""

    def send(client: KlarnaOrderManagement, key: str | None) -> RefundCreated:
        return client.refund_return_fee(
            order_id, amount, reference=reference, description=description, idempotency_key=key
        )

    _refund(settings, order_id, amount, reference, idempotency_key, send)


@cli.command("get-refund")
@click.argument("order_id")
@click.argument("refund_id")
@connection_options
@handled(write=False)
def get_refund(settings: Settings, order_id: str, refund_id: str) -> None:
    """Show one refund of ORDER_ID."""
    with settings.client() as client:
        found = client.get_refund(order_id, refund_id)
        currency = None
        if not settings.as_json:
            try:
                currency = client.get_order(order_id).purchase_currency
            except KlarnaError:
                currency = None  # amounts are then shown in minor units

    def show(console: Console) -> None:
        pairs(
            console,
            [
                ("refund_id", found.refund_id),
                ("refunded_amount", money(found.refunded_amount, currency)),
                ("refunded_at", found.refunded_at.isoformat() if found.refunded_at else None),
                ("reference", found.reference),
                ("description", found.description),
            ],
        )
        _lines_table(console, found.order_lines or (), currency)

    emit(settings.as_json, found.to_dict(), show)


def _lines_table(console: Console, lines: Any, currency: str | None) -> None:
    if lines:
        table(
            console,
            ("name", "type", "quantity", "unit_price", "total_amount"),
            (
                (
                    line.name,
                    line.type_,
                    line.quantity,
                    money(line.unit_price, currency),
                    money(line.total_amount, currency),
                )
                for line in lines
            ),
        )


@cli.command("get-order")
@click.argument("order_id")
@connection_options
@handled(write=False)
def get_order(settings: Settings, order_id: str) -> None:
    """Show ORDER_ID: its amounts, captures and refunds."""
    with settings.client() as client:
        order = client.get_order(order_id)
    currency = order.purchase_currency

    def show(console: Console) -> None:
        pairs(
            console,
            [
                ("order_id", order.order_id),
                ("status", order.status),
                ("order_amount", money(order.order_amount, currency)),
                ("captured_amount", money(order.captured_amount, currency)),
                ("refunded_amount", money(order.refunded_amount, currency)),
                ("remaining_authorized", money(order.remaining_authorized_amount, currency)),
            ],
        )
        table(
            console,
            ("capture_id", "captured_amount", "refunded_amount"),
            (
                (
                    c.capture_id,
                    money(c.captured_amount, currency),
                    money(c.refunded_amount, currency),
                )
                for c in order.captures or ()
            ),
            title="captures",
        )
        table(
            console,
            ("refund_id", "refunded_amount", "reference"),
            (
                (r.refund_id, money(r.refunded_amount, currency), r.reference)
                for r in order.refunds or ()
            ),
            title="refunds",
        )

    emit(settings.as_json, order.to_dict(), show)


@cli.command()
@click.argument("order_id")
@click.option("--idempotency-key", help="Repeat a release whose outcome was unknown")
@connection_options
@handled(write=True)
def release(settings: Settings, order_id: str, idempotency_key: str | None) -> None:
    """Release what is still authorized on ORDER_ID."""
    with settings.client() as client:
        raw = client.with_raw_response.release_remaining_authorization(
            order_id, idempotency_key=idempotency_key
        )
    data = {"order_id": order_id, "released": True, "idempotency_key": raw.idempotency_key}
    emit(
        settings.as_json,
        data,
        lambda console: say(f"Released the remaining authorization of {order_id}"),
    )


@cli.command("extend-options")
@click.argument("order_id")
@click.argument("capture_id")
@connection_options
@handled(write=False)
def extend_options(settings: Settings, order_id: str, capture_id: str) -> None:
    """List by how many days CAPTURE_ID's due date can be extended, and the fees."""
    with settings.client() as client:
        options = client.get_extend_due_date_options(order_id, capture_id)

    def show(console: Console) -> None:
        table(
            console,
            ("days", "fee"),
            (
                (option.number_of_days, money(option.amount, options.currency))
                for option in options.options or ()
            ),
        )

    emit(settings.as_json, options.to_dict(), show)


@cli.command()
@click.argument("order_id")
@click.argument("capture_id")
@click.argument("days", type=int)
@click.option("--idempotency-key", help="Repeat an extension whose outcome was unknown")
@connection_options
@handled(write=True)
def extend(
    settings: Settings, order_id: str, capture_id: str, days: int, idempotency_key: str | None
) -> None:
    """Extend CAPTURE_ID's due date by DAYS (one of extend-options' days)."""
    with settings.client() as client:
        raw = client.with_raw_response.extend_due_date(
            order_id, capture_id, days, idempotency_key=idempotency_key
        )
    data = {
        "order_id": order_id,
        "capture_id": capture_id,
        "number_of_days": days,
        "idempotency_key": raw.idempotency_key,
    }
    emit(settings.as_json, data, lambda console: say(f"Extended {capture_id} by {days} days"))
