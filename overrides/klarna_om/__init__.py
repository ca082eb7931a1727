"""klarna_om: a spec-driven client for Klarna's Order Management API.

Refunds (with return fees), reading a refund or an order, releasing the remaining authorization
and extending a capture's due date, with idempotent retries, typed errors and money checks
before sending.

Every public name loads on first use (``from klarna_om import KlarnaOrderManagement`` loads the
client and the models it needs), so that ``import klarna_om`` costs about ``import httpx``. The
names are written once, in the imports below: type checkers read them, and ``_public`` reads the
same lines at run time for ``__all__`` and the lazy loading.
"""

from __future__ import annotations

import importlib
import threading
import warnings
from typing import TYPE_CHECKING

from ._logs import configure_from_environment as _configure_logging
from ._public import exports as _exports
from ._version import __version__ as __version__

if TYPE_CHECKING:
    from klarna_om_generated.models import (
        Capture as Capture,
    )
    from klarna_om_generated.models import (
        ExtendDueDateOption as ExtendDueDateOption,
    )
    from klarna_om_generated.models import (
        ExtendDueDateOptions as ExtendDueDateOptions,
    )
    from klarna_om_generated.models import (
        Order as Order,
    )
    from klarna_om_generated.models import (
        OrderLine as OrderLine,
    )
    from klarna_om_generated.models import (
        OrderLineType as OrderLineType,
    )
    from klarna_om_generated.models import (
        OrderStatus as OrderStatus,
    )
    from klarna_om_generated.models import (
        ProductIdentifiers as ProductIdentifiers,
    )
    from klarna_om_generated.models import (
        Refund as Refund,
    )
    from klarna_om_generated.models import (
        Subscription as Subscription,
    )
    from klarna_om_generated.models import (
        SubscriptionInterval as SubscriptionInterval,
    )
    from klarna_om_generated.models.order_line import OrderLineInput as OrderLineInput
    from klarna_om_generated.models.product_identifiers import (
        ProductIdentifiersInput as ProductIdentifiersInput,
    )
    from klarna_om_generated.models.subscription import SubscriptionInput as SubscriptionInput

    from ._aiohttp import AiohttpTransport as AiohttpTransport
    from ._async_client import AsyncKlarnaOrderManagement as AsyncKlarnaOrderManagement
    from ._async_raw import (
        AsyncKlarnaOrderManagementWithRawResponse as AsyncKlarnaOrderManagementWithRawResponse,
    )
    from ._async_transport import AsyncRetryTransport as AsyncRetryTransport
    from ._constants import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
    from ._errors import (
        APIConnectionError as APIConnectionError,
    )
    from ._errors import (
        APIResponseValidationError as APIResponseValidationError,
    )
    from ._errors import (
        APIStatusError as APIStatusError,
    )
    from ._errors import (
        APITimeoutError as APITimeoutError,
    )
    from ._errors import (
        AuthenticationError as AuthenticationError,
    )
    from ._errors import (
        BadRequestError as BadRequestError,
    )
    from ._errors import (
        ConflictError as ConflictError,
    )
    from ._errors import (
        EventLoopMismatchError as EventLoopMismatchError,
    )
    from ._errors import (
        ForkedClientError as ForkedClientError,
    )
    from ._errors import (
        InternalServerError as InternalServerError,
    )
    from ._errors import (
        InvalidInputError as InvalidInputError,
    )
    from ._errors import (
        InvalidRefundError as InvalidRefundError,
    )
    from ._errors import (
        InvalidRequestError as InvalidRequestError,
    )
    from ._errors import (
        KlarnaError as KlarnaError,
    )
    from ._errors import (
        MoneyValidationError as MoneyValidationError,
    )
    from ._errors import (
        NotFoundError as NotFoundError,
    )
    from ._errors import (
        PermissionDeniedError as PermissionDeniedError,
    )
    from ._errors import (
        RateLimitError as RateLimitError,
    )
    from ._errors import (
        RequestTooLargeError as RequestTooLargeError,
    )
    from ._errors import (
        ResponseTooLargeError as ResponseTooLargeError,
    )
    from ._errors import (
        UnprocessableEntityError as UnprocessableEntityError,
    )
    from ._errors import (
        UnsupportedOperationError as UnsupportedOperationError,
    )
    from ._money import ReturnFee as ReturnFee
    from ._money import refund_with_return_fee_body as refund_with_return_fee_body
    from ._money import return_fee_line as return_fee_line
    from ._money import return_fee_tax as return_fee_tax
    from ._pacer import Pacer as Pacer
    from ._ratelimit import RateLimit as RateLimit
    from ._results import RawResponse as RawResponse
    from ._results import RefundCreated as RefundCreated
    from ._retry import RetryPolicy as RetryPolicy
    from ._sync_client import KlarnaOrderManagement as KlarnaOrderManagement
    from ._sync_raw import (
        KlarnaOrderManagementWithRawResponse as KlarnaOrderManagementWithRawResponse,
    )
    from ._sync_transport import RetryTransport as RetryTransport
    from ._validation import derive_idempotency_key as derive_idempotency_key
    from ._validation import new_idempotency_key as new_idempotency_key

#: Where each public name lives (read from the imports above).
_LAZY = _exports()
#: Deprecated name -> the name that replaces it (the same class). Every use warns, so these are
#: never cached in the namespace, and ``from klarna_om import *`` leaves them out.
_DEPRECATED = {
    "InvalidRequestError": "InvalidInputError",
    "MoneyValidationError": "InvalidRefundError",
}
#: Constants first, then classes, then functions (isort's order, as ruff's RUF022 keeps it).
__all__ = sorted(
    [*(name for name in _LAZY if name not in _DEPRECATED), "__version__"],
    key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n),
)

#: One first load at a time: the generated models import each other, and two threads importing
#: two of them at once would deadlock on the import system's per-module locks.
_LOADING = threading.RLock()


def __getattr__(name: str) -> object:
    new_name = _DEPRECATED.get(name)
    if new_name is not None:
        warnings.warn(
            f"{__name__}.{name} is deprecated and removed in the next release; "
            f"use {__name__}.{new_name} (the same class)",
            DeprecationWarning,
            stacklevel=2,
        )
        return __getattr__(new_name)  # the same class, looked up as the new name is
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _LOADING:
        value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


_configure_logging()
del annotations, TYPE_CHECKING  # the namespace holds the public names only
