# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
"""Contains all the data models used in inputs/outputs"""

from .capture import Capture
from .error_message import ErrorMessage
from .extend_due_date_option import ExtendDueDateOption
from .extend_due_date_options import ExtendDueDateOptions
from .extend_due_date_request import ExtendDueDateRequest
from .order import Order
from .order_line import OrderLine
from .order_line_type import OrderLineType
from .order_status import OrderStatus
from .product_identifiers import ProductIdentifiers
from .refund import Refund
from .refund_object import RefundObject
from .subscription import Subscription
from .subscription_interval import SubscriptionInterval

__all__ = (
    "Capture",
    "ErrorMessage",
    "ExtendDueDateOption",
    "ExtendDueDateOptions",
    "ExtendDueDateRequest",
    "Order",
    "OrderLine",
    "OrderLineType",
    "OrderStatus",
    "ProductIdentifiers",
    "Refund",
    "RefundObject",
    "Subscription",
    "SubscriptionInterval",
)
