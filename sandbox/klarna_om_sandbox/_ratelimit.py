"""Klarna's rate limit in front of the sandbox: per merchant and category, with Klarna's headers.

An ASGI middleware around the sandbox's app, off unless configured. It meters each merchant's
requests (the Basic username as sent; an API key sent whole is its own merchant) per Klarna
operation category with a token bucket, and answers over the limit with Klarna's 429 before the
app sees the request. Every metered response carries ``X-Ratelimit-Remaining``; a 429 also
``X-Ratelimit-Limit`` (``50, 50;w=1``) and ``X-Ratelimit-Reset``, and never ``Retry-After``
(Klarna documents none). It never meters the ``/sandbox/`` control endpoints.
"""

from __future__ import annotations

import base64
import binascii
import math
import threading
import time
from collections.abc import Callable, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._handlers import error_response

#: Klarna's category of every Order Management operation ("create-session" is the other one).
OTHER_OPERATIONS = "other operations"
#: Buckets kept before the full (idle) ones are forgotten.
_MAX_BUCKETS = 4096


def order_management_category(method: str, path: str) -> str | None:
    """Klarna's rate-limit category of a request: every Order Management path is one category.

    Args:
        method: The request's method.
        path: The request's path.

    Returns:
        ``OTHER_OPERATIONS`` for ``/ordermanagement/`` paths, else None (not metered).
    """
    return OTHER_OPERATIONS if path.startswith("/ordermanagement/") else None


def check_rate(rate: float) -> float:
    """``rate`` (requests a second) as a float if a finite number above 0, else ValueError."""
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate < math.inf:
        raise ValueError(f"rate must be a finite number above 0, got {rate!r}")
    return float(rate)


class RateLimiter:
    """Klarna's per-merchant rate limit around an ASGI app: ``RateLimiter(app, rate=50)``.

    Each (merchant, category) has a bucket of ``burst`` requests refilled at ``rate`` per
    second. A request finding it empty gets 429 ``TOO_MANY_REQUESTS`` (Klarna's error body,
    a fresh ``correlation_id``) with ``X-Ratelimit-Reset``: the whole seconds, rounded up, until
    a request is admitted again (Klarna sends whole seconds). Requests without Basic
    credentials, and paths ``category`` gives no category, pass unmetered and unmarked.

    Args:
        app: The ASGI app to guard (``Sandbox.app``).
        rate: Requests per second per merchant and category (Klarna: 200 in production, 50
            in the playground).
        burst: Requests a merchant may send at once (default: a second's worth, ``rate``
            rounded up).
        clock: Monotonic seconds (injected by tests).
        category: The category of a request from its method and path, None for unmetered.

    Raises:
        ValueError: ``rate`` is not a finite number above 0, or ``burst`` not an int >= 1.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        rate: float,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        category: Callable[[str, str], str | None] = order_management_category,
    ) -> None:
        rate = check_rate(rate)
        if burst is None:
            burst = math.ceil(rate)
        if type(burst) is not int or burst < 1:
            raise ValueError(f"burst must be an int of 1 or more, got {burst!r}")
        self.app = app
        self.rate: float = float(rate)
        self.burst: int = burst
        self._clock = clock
        self._category = category
        self._limit_header = f"{self.rate:g}, {self.rate:g};w=1"
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}  # -> (tokens, when)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection: meter it, then refuse it or pass it on, marked."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        category = self._category(scope["method"], scope["path"])
        merchant = None if category is None else _merchant(scope)
        if category is None or merchant is None:
            await self.app(scope, receive, send)
            return
        admitted, remaining, wait = self._take((merchant, category))
        if admitted:
            header = (b"x-ratelimit-remaining", str(remaining).encode())
            await self.app(scope, receive, _AddHeader(send, header).send)
            return
        response = error_response(
            429,
            "TOO_MANY_REQUESTS",
            "Too many requests.",
            headers={
                "X-Ratelimit-Limit": self._limit_header,
                "X-Ratelimit-Remaining": "0",
                "X-Ratelimit-Reset": str(max(1, math.ceil(wait))),
            },
        )
        await response(scope, receive, send)

    def _take(self, key: tuple[str, str]) -> tuple[bool, int, float]:
        """Take a request from ``key``'s bucket: (admitted, remaining, seconds until one more)."""
        with self._lock:
            now = self._clock()
            tokens, when = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + max(0.0, now - when) * self.rate)
            admitted = tokens >= 1
            if admitted:
                tokens -= 1
            if key not in self._buckets and len(self._buckets) >= _MAX_BUCKETS:
                self._forget_full(now)
            self._buckets[key] = (tokens, now)
        return admitted, math.floor(tokens), (1 - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled: nobody has used them for a while."""
        for key, (tokens, when) in list(self._buckets.items()):
            if tokens + (now - when) * self.rate >= self.burst:
                del self._buckets[key]


class _AddHeader:
    """``send`` with one more header on the response.

    Its ``transport`` is the server's, as on uvicorn's own ``send``: the sandbox's dropped
    connection fault (``_faults.Drop``) finds it there.
    """

    def __init__(self, send: Send, header: tuple[bytes, bytes]) -> None:
        self._send = send
        self._header = header
        self.transport: Any = getattr(getattr(send, "__self__", None), "transport", None)

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), self._header]}
        await self._send(message)


def _merchant(scope: MutableMapping[str, Any]) -> str | None:
    """Who is metered: the Basic username, or the whole token when it is not ``user:password``."""
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.partition(b" ")
            if scheme.lower() != b"basic" or not token.strip():
                return None
            token = token.strip()
            try:
                username, colon, _ = base64.b64decode(token, validate=True).partition(b":")
            except (binascii.Error, ValueError):
                colon = b""
            if colon:
                return username.decode("utf-8", "replace")
            return token.decode("latin-1")
    return None
