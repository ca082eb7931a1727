"""klarna_om: a spec-driven client for Klarna's Order Management API.

Refunds (with return fees), reading a refund or an order, releasing the remaining authorization
and extending a capture's due date, with idempotent retries, typed errors and money checks
before sending.
"""

from klarna_om_generated.models import (
    Capture,
    ExtendDueDateOption,
    ExtendDueDateOptions,
    Order,
    OrderLine,
    OrderLineType,
    OrderStatus,
    ProductIdentifiers,
    Refund,
    Subscription,
    SubscriptionInterval,
)
from klarna_om_generated.models.order_line import OrderLineInput
from klarna_om_generated.models.product_identifiers import ProductIdentifiersInput
from klarna_om_generated.models.subscription import SubscriptionInput

from ._async_client import AsyncKlarnaOrderManagement, AsyncKlarnaOrderManagementWithRawResponse
from ._async_transport import AsyncRetryTransport
from ._base_client import RawResponse, RefundCreated
from ._constants import DEFAULT_TIMEOUT
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    KlarnaError,
    MoneyValidationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    UnprocessableEntityError,
)
from ._logs import configure_from_environment as _configure_logging
from ._money import ReturnFee, refund_with_return_fee_body, return_fee_line, return_fee_tax
from ._retry import RetryPolicy
from ._sync_client import KlarnaOrderManagement, KlarnaOrderManagementWithRawResponse
from ._sync_transport import RetryTransport
from ._validation import derive_idempotency_key, new_idempotency_key
from ._version import __version__

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncKlarnaOrderManagement",
    "AsyncKlarnaOrderManagementWithRawResponse",
    "AsyncRetryTransport",
    "AuthenticationError",
    "BadRequestError",
    "Capture",
    "ConflictError",
    "ExtendDueDateOption",
    "ExtendDueDateOptions",
    "InternalServerError",
    "InvalidRequestError",
    "KlarnaError",
    "KlarnaOrderManagement",
    "KlarnaOrderManagementWithRawResponse",
    "MoneyValidationError",
    "NotFoundError",
    "Order",
    "OrderLine",
    "OrderLineInput",
    "OrderLineType",
    "OrderStatus",
    "PermissionDeniedError",
    "ProductIdentifiers",
    "ProductIdentifiersInput",
    "RateLimitError",
    "RawResponse",
    "Refund",
    "RefundCreated",
    "ResponseTooLargeError",
    "RetryPolicy",
    "RetryTransport",
    "ReturnFee",
    "Subscription",
    "SubscriptionInput",
    "SubscriptionInterval",
    "UnprocessableEntityError",
    "__version__",
    "derive_idempotency_key",
    "new_idempotency_key",
    "refund_with_return_fee_body",
    "return_fee_line",
    "return_fee_tax",
]

# Public classes written here look public: tracebacks and reprs say klarna_om.NotFoundError, as
# httpx does. The generated models keep their module: their annotations resolve there (for
# pdoc, typing.get_type_hints) and their reprs name no module anyway.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type) and _value.__module__.startswith(f"{__name__}._"):
        _value.__module__ = __name__
del _name, _value

_configure_logging()
