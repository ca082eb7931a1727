"""klarna_om: a spec-driven client for Klarna's Order Management API.

Refunds (with return fees), reading a refund, releasing the remaining authorization and extending
a capture's due date, with idempotent retries, typed errors and money checks before sending.
"""

from klarna_om_generated.models import (
    ExtendDueDateOption,
    ExtendDueDateOptions,
    OrderLine,
    OrderLineType,
    Refund,
)

from ._client import (
    DEFAULT_TIMEOUT,
    AsyncKlarnaOrderManagement,
    KlarnaOrderManagement,
    RefundCreated,
    derive_idempotency_key,
    new_idempotency_key,
)
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
    UnprocessableEntityError,
)
from ._money import ReturnFee, refund_with_return_fee_body, return_fee_line, return_fee_tax
from ._retry import AsyncRetryTransport, RetryPolicy, RetryTransport
from ._version import __version__

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncKlarnaOrderManagement",
    "AsyncRetryTransport",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ExtendDueDateOption",
    "ExtendDueDateOptions",
    "InternalServerError",
    "InvalidRequestError",
    "KlarnaError",
    "KlarnaOrderManagement",
    "MoneyValidationError",
    "NotFoundError",
    "OrderLine",
    "OrderLineType",
    "PermissionDeniedError",
    "RateLimitError",
    "Refund",
    "RefundCreated",
    "RetryPolicy",
    "RetryTransport",
    "ReturnFee",
    "UnprocessableEntityError",
    "__version__",
    "derive_idempotency_key",
    "new_idempotency_key",
    "refund_with_return_fee_body",
    "return_fee_line",
    "return_fee_tax",
]
