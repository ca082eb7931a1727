# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
"""Contains methods for accessing the API, `OPERATIONS` (every operation's record), `SERVERS` and `PROVIDERS`."""

from typing import Any

from ..types import Operation, Server
from .captures import extend_due_date, get_options_for_extend_due_date
from .orders import get_order, release_remaining_authorization
from .refunds import get_refund, refund_order

OPERATIONS: dict[str, Operation[Any]] = {
    extend_due_date.OPERATION.operation_id: extend_due_date.OPERATION,
    get_options_for_extend_due_date.OPERATION.operation_id: get_options_for_extend_due_date.OPERATION,
    get_order.OPERATION.operation_id: get_order.OPERATION,
    release_remaining_authorization.OPERATION.operation_id: release_remaining_authorization.OPERATION,
    get_refund.OPERATION.operation_id: get_refund.OPERATION,
    refund_order.OPERATION.operation_id: refund_order.OPERATION,
}
""" Every operation of spec/ by operationId (see `Operation`). """

SERVERS: tuple[Server, ...] = (
    Server(
        url="https://api.klarna.com",
        description="Klarna, Europe, production",
        provider="klarna",
        region="eu",
        playground=False,
    ),
    Server(
        url="https://api.playground.klarna.com",
        description="Klarna, Europe, playground",
        provider="klarna",
        region="eu",
        playground=True,
    ),
    Server(
        url="https://api-na.klarna.com",
        description="Klarna, North America, production",
        provider="klarna",
        region="na",
        playground=False,
    ),
    Server(
        url="https://api-na.playground.klarna.com",
        description="Klarna, North America, playground",
        provider="klarna",
        region="na",
        playground=True,
    ),
    Server(
        url="https://api-oc.klarna.com",
        description="Klarna, Oceania, production",
        provider="klarna",
        region="oc",
        playground=False,
    ),
    Server(
        url="https://api-oc.playground.klarna.com",
        description="Klarna, Oceania, playground",
        provider="klarna",
        region="oc",
        playground=True,
    ),
    Server(
        url="https://api.kustom.co",
        description="Kustom (the former Klarna Checkout), production",
        provider="kustom",
        region="",
        playground=False,
    ),
    Server(
        url="https://api.playground.kustom.co",
        description="Kustom (the former Klarna Checkout), playground",
        provider="kustom",
        region="",
        playground=True,
    ),
)
""" Every host of spec/'s `servers`, with its provider, region and environment. """

PROVIDERS: tuple[str, ...] = (
    "klarna",
    "kustom",
)
""" Every provider spec/ names (`klarna` first): the values of `Operation.providers` and `Server.provider`. """

__all__ = ["OPERATIONS", "PROVIDERS", "SERVERS"]
