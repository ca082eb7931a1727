"""Retries: a small pure policy and the one transport pair that applies it.

Exists because the generated client sends every request once. ``RetryTransport`` and
``AsyncRetryTransport`` wrap an inner httpx transport; nothing else in klarna_om sleeps or retries.
A write (POST, PATCH) is retried only when it carries a ``Klarna-Idempotency-Key``, and the very
same request (same key) is re-sent, so Klarna applies it at most once. Bodies are read inside the
loop (Klarna's are small), so a response cut off mid-body is retried too.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable

import attrs
import httpx

from ._errors import IDEMPOTENCY_HEADER, _json_object, parse_retry_after

logger = logging.getLogger("klarna_om")

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Failures where the request may not have reached Klarna, or its answer was lost on the way.
RETRYABLE_EXCEPTIONS: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@attrs.frozen
class RetryPolicy:
    """When to retry and how long to wait. Pure: randomness comes in as an argument.

    Defaults: 2 retries; backoff 0.5 s, 1 s, 2 s ... capped at 8 s, each scaled by a jitter
    factor in [0.5, 1); ``Retry-After`` is obeyed exactly when it is at most 30 s, and a longer
    one stops retrying (retrying earlier than asked is pointless); no retry may start once
    ``total_timeout`` (60 s) since the first attempt would be exceeded.
    """

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0
    total_timeout: float = 60.0

    def should_retry(
        self,
        method: str,
        has_idempotency_key: bool,
        attempt: int,
        *,
        status_code: int | None = None,
        exception: Exception | None = None,
    ) -> bool:
        """Whether attempt number ``attempt`` (1-based) may be followed by another one."""
        if attempt > self.max_retries:
            return False
        if method.upper() not in SAFE_METHODS and not has_idempotency_key:
            return False
        if exception is not None:
            return isinstance(exception, RETRYABLE_EXCEPTIONS)
        return status_code in RETRYABLE_STATUSES

    def backoff(self, attempt: int, retry_after: float | None, jitter: float) -> float | None:
        """Seconds to wait after attempt ``attempt``; None when the server asks for too long.

        ``jitter`` is a number in [0, 1), normally ``random.random()``.
        """
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        base: float = min(self.max_delay, self.initial_delay * 2.0 ** (attempt - 1))
        return base * (1 - 0.5 * jitter)

    def next_delay(
        self,
        method: str,
        has_idempotency_key: bool,
        attempt: int,
        elapsed: float,
        jitter: float,
        *,
        status_code: int | None = None,
        exception: Exception | None = None,
        retry_after: float | None = None,
    ) -> float | None:
        """The wait before the next attempt, or None to stop and hand back the outcome."""
        if not self.should_retry(
            method, has_idempotency_key, attempt, status_code=status_code, exception=exception
        ):
            return None
        delay = self.backoff(attempt, retry_after, jitter)
        if delay is None or elapsed + delay >= self.total_timeout:
            return None
        return delay


class _RetryCore:
    """What the sync and async transports share: the policy, the clock and the log line."""

    def __init__(
        self, policy: RetryPolicy, clock: Callable[[], float], jitter: Callable[[], float]
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.jitter = jitter

    def delay_after(
        self,
        request: httpx.Request,
        attempt: int,
        started: float,
        attempt_start: float,
        response: httpx.Response | None,
        exception: Exception | None,
    ) -> float | None:
        now = self.clock()
        _log_attempt(request, attempt, (now - attempt_start) * 1000, response, exception)
        return self.policy.next_delay(
            request.method,
            IDEMPOTENCY_HEADER in request.headers,
            attempt,
            now - started,
            self.jitter(),
            status_code=None if response is None else response.status_code,
            exception=exception,
            retry_after=None if response is None else parse_retry_after(response.headers),
        )


class RetryTransport(httpx.BaseTransport):
    """An httpx transport that retries through ``policy`` around an inner transport."""

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._inner = inner if inner is not None else httpx.HTTPTransport()
        self._core = _RetryCore(policy or RetryPolicy(), clock, jitter)
        self._sleep = sleep

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy this transport applies."""
        return self._core.policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy allows; return the last response."""
        started = self._core.clock()
        attempt = 0
        while True:
            attempt += 1
            attempt_start = self._core.clock()
            try:
                response = self._inner.handle_request(request)
                try:  # read inside the loop: a body cut off mid-way is retried like a drop
                    response.read()
                except BaseException:
                    response.close()
                    raise
            except httpx.TransportError as exc:
                delay = self._core.delay_after(request, attempt, started, attempt_start, None, exc)
                if delay is None:
                    raise
            else:
                delay = self._core.delay_after(
                    request, attempt, started, attempt_start, response, None
                )
                if delay is None:
                    return response
                response.close()
            self._sleep(delay)

    def close(self) -> None:
        """Close the inner transport."""
        self._inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of ``RetryTransport``."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._inner = inner if inner is not None else httpx.AsyncHTTPTransport()
        self._core = _RetryCore(policy or RetryPolicy(), clock, jitter)
        self._sleep = sleep

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy this transport applies."""
        return self._core.policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy allows; return the last response."""
        started = self._core.clock()
        attempt = 0
        while True:
            attempt += 1
            attempt_start = self._core.clock()
            try:
                response = await self._inner.handle_async_request(request)
                try:
                    await response.aread()
                except BaseException:
                    await response.aclose()
                    raise
            except httpx.TransportError as exc:
                delay = self._core.delay_after(request, attempt, started, attempt_start, None, exc)
                if delay is None:
                    raise
            else:
                delay = self._core.delay_after(
                    request, attempt, started, attempt_start, response, None
                )
                if delay is None:
                    return response
                await response.aclose()
            await self._sleep(delay)

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()


def _log_attempt(
    request: httpx.Request,
    attempt: int,
    elapsed_ms: float,
    response: httpx.Response | None,
    exception: Exception | None,
) -> None:
    """One DEBUG line per attempt. Never headers other than the key, never bodies."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    if response is not None:
        outcome = str(response.status_code)
        correlation_id = (
            _json_object(response).get("correlation_id") if response.status_code >= 400 else None
        )
    else:
        outcome, correlation_id = type(exception).__name__, None
    logger.debug(
        "%s %s -> %s attempt=%d elapsed_ms=%.1f idempotency_key=%s correlation_id=%s",
        request.method,
        request.url.path,
        outcome,
        attempt,
        elapsed_ms,
        request.headers.get(IDEMPOTENCY_HEADER, "-"),
        correlation_id or "-",
    )
