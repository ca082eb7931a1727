"""The inner transports klarna_om makes itself when the caller gives none.

Exists because httpx's defaults are close but not enough: the sync one gets sockets bounded by
the call's deadline (``_deadline_backend``: httpcore's public network-backend seam; installing the
pool is the one place klarna_om touches a private httpx name, ``HTTPTransport._pool``, httpx <
0.29, tested), and both are ``Reopenable``: a forked child opens its own (``_process``). The async
client needs no deadline backend: anyio cancels an async attempt at the deadline. The backend
loads with the first sync transport, so ``import klarna_om`` loads no httpcore.
"""

from __future__ import annotations

from typing import Self

import httpx

from ._constants import DEFAULT_LIMITS
from ._process import Reopenable


class DeadlineHTTPTransport(httpx.HTTPTransport, Reopenable):
    """Httpx's default sync transport, its sockets bounded by ``CALL_DEADLINE``."""

    def __init__(self, limits: httpx.Limits) -> None:
        from ._deadline_backend import deadline_pool

        # One TLS context (loading the CA bundle is most of a cold start's cost), given to
        # httpx's own pool (made and dropped) and to the deadline pool that replaces it.
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context)
        self._limits = limits
        self._pool = deadline_pool(limits, ssl_context)  # the one private name (see above)

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
