"""The httpcore network backend that bounds every socket operation by ``CALL_DEADLINE``.

Loaded with the first sync default transport (see ``_deadline``), not at ``import klarna_om``.
Its streams also send a request's head and body in one ``send``, as ``http.client`` does for a
body in memory: httpcore writes them apart, and on a small request each ``send`` costs about
as much as the rest of the client's work (a system call, and on loopback the receiver's share
of TCP).
"""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from ._deadline import CALL_DEADLINE


def _clamp(timeout: float | None) -> float | None:
    deadline = CALL_DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise httpcore.ReadTimeout("the call's time budget is used up")
    return remaining if timeout is None else min(timeout, remaining)


#: A request head that announces a body: its ``Content-Length`` is not 0.
_BODY_FOLLOWS = re.compile(rb"\r\ncontent-length: *0*[1-9][0-9]*\r\n", re.IGNORECASE)


def _body_follows(buffer: bytes) -> bool:
    """Whether ``buffer`` is a request head after which httpcore writes a body."""
    return buffer.endswith(b"\r\n\r\n") and _BODY_FOLLOWS.search(buffer) is not None


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        # A request head kept back to go out with the body's first write. httpcore always
        # writes again (the body, then its end) before it reads; ``read`` sends it regardless.
        self._held = b""

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._held:
            self.write(b"", timeout)
        return self._inner.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if self._held:
            buffer, self._held = self._held + buffer, b""
        elif _body_follows(buffer):
            self._held = bytes(buffer)
            return
        if buffer:
            self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._held = b""
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


def deadline_pool(limits: httpx.Limits, ssl_context: ssl.SSLContext) -> httpcore.ConnectionPool:
    """A pool with ``limits`` and ``ssl_context``, on the deadline-bounded backend."""
    return httpcore.ConnectionPool(
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_DeadlineBackend(),
    )
