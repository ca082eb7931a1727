"""The call deadline inside the sync default transport: every socket read and write is bounded.

Exists because a sync httpx attempt cannot be cancelled from outside, and httpx's read timeout is
per socket read: a server that sends one byte every 0.25 s never trips it. httpcore's public
network-backend seam lets each read, write and connect use at most what is left of the call's
budget (``CALL_DEADLINE``, set by the retry transport). Installing the pool is the one place
klarna_om touches a private httpx name (``HTTPTransport._pool``, httpx < 0.29, tested). The async
client needs none of this: anyio cancels an async attempt at the deadline. The backend lives in
``_deadline_backend`` and loads with the first transport, so ``import klarna_om`` loads no
httpcore. Both default transports are ``Reopenable``: a forked child opens its own (``_process``).
"""

from __future__ import annotations

import contextvars
from typing import Self

import httpx

from ._process import Reopenable

#: Monotonic time by which the current call must be over; None outside a call.
CALL_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "klarna_om_call_deadline", default=None
)


#: httpx's own default pool limits.
DEFAULT_LIMITS = httpx.Limits(
    max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0
)


class DeadlineHTTPTransport(httpx.HTTPTransport, Reopenable):
    """Httpx's default sync transport, its sockets bounded by ``CALL_DEADLINE``."""

    def __init__(self, limits: httpx.Limits) -> None:
        from ._deadline_backend import deadline_pool

        super().__init__()
        self._limits = limits
        self._pool = deadline_pool(limits)  # the one private name (see above)

    def _reopened(self) -> Self:
        return type(self)(self._limits)


class DefaultAsyncTransport(httpx.AsyncHTTPTransport, Reopenable):
    """Httpx's default async transport, opened again by a forked child."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        self._limits = limits

    def _reopened(self) -> Self:
        return type(self)(self._limits)


def default_sync_transport(limits: httpx.Limits | None = None) -> httpx.BaseTransport:
    """The inner transport of ``RetryTransport`` when the caller gives none."""
    return DeadlineHTTPTransport(limits or DEFAULT_LIMITS)


def default_async_transport(limits: httpx.Limits | None = None) -> httpx.AsyncBaseTransport:
    """The inner transport of ``AsyncRetryTransport`` when the caller gives none."""
    return DefaultAsyncTransport(limits or DEFAULT_LIMITS)
