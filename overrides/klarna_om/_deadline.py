"""The call deadline inside the sync default transport: every socket read and write is bounded.

Exists because a sync httpx attempt cannot be cancelled from outside, and httpx's read timeout is
per socket read: a server that sends one byte every 0.25 s never trips it. httpcore's public
network-backend seam lets each read, write and connect use at most what is left of the call's
budget (``CALL_DEADLINE``, set by the retry transport). Installing the pool is the one place
klarna_om touches a private httpx name (``HTTPTransport._pool``, httpx < 0.29, tested). The async
client needs none of this: anyio cancels an async attempt at the deadline.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

#: Monotonic time by which the current call must be over; None outside a call.
CALL_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "klarna_om_call_deadline", default=None
)


def _clamp(timeout: float | None) -> float | None:
    deadline = CALL_DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise httpcore.ReadTimeout("the call's time budget is used up")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _clamp(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_unix_socket(path, _clamp(timeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_http_transport() -> httpx.HTTPTransport:
    """Httpx's default sync transport, its sockets bounded by ``CALL_DEADLINE``."""
    transport = httpx.HTTPTransport()
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    transport._pool = httpcore.ConnectionPool(  # the one private name: see the module docstring
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_DeadlineBackend(),
    )
    return transport


def default_sync_transport() -> httpx.BaseTransport:
    """The inner transport of ``RetryTransport`` when the caller gives none."""
    return deadline_http_transport()


def default_async_transport() -> httpx.AsyncBaseTransport:
    """The inner transport of ``AsyncRetryTransport`` when the caller gives none."""
    return httpx.AsyncHTTPTransport()
