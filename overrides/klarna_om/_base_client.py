"""What the sync and async clients share: their settings, and the one way a call is prepared.

Exists because the generated functions send once, without timeout, key or typed errors. Nothing
here does I/O: the clients (``_async_client`` and its generated twin ``_sync_client``) send.
Every operation's method, path, parameters, body model, success status and result model come
from its generated record (``OPERATION``); a client method adds only the checks of its input.
It never logs or reprs credentials: they are kept only as ``Secret`` values (``_secret``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import httpx

from klarna_om_generated.types import Operation

from ._constants import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, RETURN_FEE_REFUND_DESCRIPTION
from ._errors import InvalidInputError, UnsupportedOperationError
from ._money import check_refund
from ._options import (
    Provider,
    Region,
    authorization,
    check_headers,
    check_key_environment,
    check_max_response_bytes,
    check_timeout,
    resolve_base_url,
    resolve_provider,
)
from ._pacer import Pacer, pacer_for
from ._results import RefundCreated as RefundCreated  # where the CLI imports it from
from ._retry import RetryPolicy
from ._validation import check_path_param

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["BaseClient", "Provider", "RefundCreated", "Region", "operation", "path_args"]


def operation(record: Operation[Any]) -> Callable[[F], F]:
    """Mark a client method as the one that serves ``record``'s operation (checked by a test)."""

    def mark(method: F) -> F:
        method.__klarna_operation__ = record.operation_id  # type: ignore[attr-defined]
        return method

    return mark


def path_args(record: Operation[Any], *values: object) -> tuple[str, ...]:
    """``values``, one per path parameter of ``record``, each checked as a path segment."""
    return tuple(
        check_path_param(name, value)
        for name, value in zip(record.path_params, values, strict=True)
    )


class BaseClient:
    """Configuration and input preparation shared by the sync and async clients."""

    provider: str
    """Who serves the calls (``"klarna"`` or ``"kustom"``): it decides which operations exist."""
    base_url: str
    """Where requests go: the provider's host for the region, or the ``base_url`` given."""
    timeout: httpx.Timeout
    """The timeout of each request phase."""
    retry_policy: RetryPolicy
    """How failed attempts are retried, and the deadline of a whole call."""
    max_response_bytes: int
    """The largest response body read."""
    pacer: Pacer | None
    """What paces every request of this client and its ``with_options`` children, if anything."""

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        api_key: str | None = None,
        provider: Provider | None = None,
        region: Region | None = None,
        playground: bool | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_requests_per_second: float | Pacer | None = None,
    ) -> None:
        # The one place the credentials are kept (a Secret); the key's environment is checked
        # against the host once it is known.
        self._authorization, playground_key = authorization(username, password, api_key)
        self.provider = resolve_provider(provider)
        self.base_url = resolve_base_url(self.provider, region, playground, base_url)
        check_key_environment(playground_key, self.base_url)
        self.max_response_bytes = check_max_response_bytes(max_response_bytes)
        self.timeout = check_timeout(timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.pacer = pacer_for(max_requests_per_second)
        self._extra_headers: dict[str, str] = {}

    def _derived_options(
        self,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        retry_policy: RetryPolicy | None,
        headers: Mapping[str, str] | None,
    ) -> tuple[httpx.Timeout, RetryPolicy, dict[str, str]]:
        """``with_options``' settings: each given one replaces the parent's, after checks."""
        if max_retries is not None and retry_policy is not None:
            raise InvalidInputError(
                "pass max_retries or retry_policy, not both", field="max_retries"
            )
        policy = self.retry_policy
        if retry_policy is not None:
            policy = retry_policy
        elif max_retries is not None:
            policy = attrs.evolve(self.retry_policy, max_retries=max_retries)
        return (
            self.timeout if timeout is None else check_timeout(timeout),
            policy,
            {**self._extra_headers, **check_headers(headers or {})},
        )

    def _check_served(self, record: Operation[Any]) -> None:
        """Raise ``UnsupportedOperationError`` unless this client's provider serves ``record``."""
        if self.provider not in record.providers:
            raise UnsupportedOperationError(
                f"{self.provider} does not offer {record.operation_id} (served by "
                f"{', '.join(record.providers)}); nothing was sent",
                provider=self.provider,
                operation=record.operation_id,
            )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(provider={self.provider!r}, base_url={self.base_url!r}, "
            f"max_retries={self.retry_policy.max_retries}, timeout={self.timeout!r})"
        )

    @staticmethod
    def _return_fee_refund_body(
        amount: int, reference: str | None, description: str | None
    ) -> dict[str, Any]:
        # Klarna: give a charged fee back with "a new refund including the amount previously
        # charged". Amount only: return fees need an order captured in full by one capture,
        # so Klarna has a single invoice to allocate it to, and no line type is guessed.
        return check_refund(
            amount,
            None,
            reference=reference,
            description=RETURN_FEE_REFUND_DESCRIPTION if description is None else description,
        )
