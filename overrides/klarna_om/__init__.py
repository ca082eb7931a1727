"""klarna_om: a spec-driven client for Klarna's Order Management API.

Refunds (with return fees), reading a refund or an order, releasing the remaining authorization
and extending a capture's due date, with idempotent retries, typed errors and money checks
before sending.

Every public name loads on first use (``from klarna_om import KlarnaOrderManagement`` loads the
client and the models it needs), so that ``import klarna_om`` costs about ``import httpx``.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING

from ._logs import configure_from_environment as _configure_logging
from ._version import __version__

if TYPE_CHECKING:
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

    from ._aiohttp import AiohttpTransport
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
        EventLoopMismatchError,
        ForkedClientError,
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
    from ._money import ReturnFee, refund_with_return_fee_body, return_fee_line, return_fee_tax
    from ._retry import RetryPolicy
    from ._sync_client import KlarnaOrderManagement, KlarnaOrderManagementWithRawResponse
    from ._sync_transport import RetryTransport
    from ._validation import derive_idempotency_key, new_idempotency_key

#: Where each public name lives.
_LAZY: dict[str, str] = {
    "AiohttpTransport": "._aiohttp",
    "AsyncKlarnaOrderManagement": "._async_client",
    "AsyncKlarnaOrderManagementWithRawResponse": "._async_client",
    "AsyncRetryTransport": "._async_transport",
    "RawResponse": "._base_client",
    "RefundCreated": "._base_client",
    "DEFAULT_TIMEOUT": "._constants",
    "APIConnectionError": "._errors",
    "APIResponseValidationError": "._errors",
    "APIStatusError": "._errors",
    "APITimeoutError": "._errors",
    "AuthenticationError": "._errors",
    "BadRequestError": "._errors",
    "ConflictError": "._errors",
    "EventLoopMismatchError": "._errors",
    "ForkedClientError": "._errors",
    "InternalServerError": "._errors",
    "InvalidRequestError": "._errors",
    "KlarnaError": "._errors",
    "MoneyValidationError": "._errors",
    "NotFoundError": "._errors",
    "PermissionDeniedError": "._errors",
    "RateLimitError": "._errors",
    "ResponseTooLargeError": "._errors",
    "UnprocessableEntityError": "._errors",
    "ReturnFee": "._money",
    "refund_with_return_fee_body": "._money",
    "return_fee_line": "._money",
    "return_fee_tax": "._money",
    "RetryPolicy": "._retry",
    "KlarnaOrderManagement": "._sync_client",
    "KlarnaOrderManagementWithRawResponse": "._sync_client",
    "RetryTransport": "._sync_transport",
    "derive_idempotency_key": "._validation",
    "new_idempotency_key": "._validation",
    "Capture": "klarna_om_generated.models",
    "ExtendDueDateOption": "klarna_om_generated.models",
    "ExtendDueDateOptions": "klarna_om_generated.models",
    "Order": "klarna_om_generated.models",
    "OrderLine": "klarna_om_generated.models",
    "OrderLineType": "klarna_om_generated.models",
    "OrderStatus": "klarna_om_generated.models",
    "ProductIdentifiers": "klarna_om_generated.models",
    "Refund": "klarna_om_generated.models",
    "Subscription": "klarna_om_generated.models",
    "SubscriptionInterval": "klarna_om_generated.models",
    "OrderLineInput": "klarna_om_generated.models.order_line",
    "ProductIdentifiersInput": "klarna_om_generated.models.product_identifiers",
    "SubscriptionInput": "klarna_om_generated.models.subscription",
}

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AiohttpTransport",
    "AsyncKlarnaOrderManagement",
    "AsyncKlarnaOrderManagementWithRawResponse",
    "AsyncRetryTransport",
    "AuthenticationError",
    "BadRequestError",
    "Capture",
    "ConflictError",
    "EventLoopMismatchError",
    "ExtendDueDateOption",
    "ExtendDueDateOptions",
    "ForkedClientError",
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


#: One first load at a time: the generated models import each other, and two threads importing
#: two of them at once would deadlock on the import system's per-module locks.
_LOADING = threading.RLock()


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _LOADING:
        value = getattr(importlib.import_module(module, __name__), name)
    # Public classes written here look public: tracebacks and reprs say klarna_om.NotFoundError,
    # as httpx does. Generated models keep their module: their annotations resolve there.
    if isinstance(value, type) and value.__module__.startswith(f"{__name__}._"):
        value.__module__ = __name__
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


_configure_logging()
del annotations, TYPE_CHECKING  # the namespace holds the public names only
