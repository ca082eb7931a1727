# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
"""Contains methods for accessing the API, and `OPERATIONS`: every operation's record."""

from typing import Any

from ..types import Operation
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

__all__ = ["OPERATIONS"]
