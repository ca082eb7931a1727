"""The retry policy: when a failed attempt is tried again, and how long to wait. Pure.

Exists because the generated client sends every request once. Nothing here sleeps, reads a clock
or draws a random number: the retry transports (``_async_transport``, its twin ``_sync_transport``)
inject those, so tests decide every wait. A write (POST, PATCH) is retried only when it carries a
``Klarna-Idempotency-Key``, and the very same request (same key) is re-sent.
"""

from __future__ import annotations

import attrs
import httpx

from ._constants import (
    DEFAULT_INITIAL_DELAY,
    DEFAULT_MAX_DELAY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_TOTAL_TIMEOUT,
    RETRYABLE_STATUSES,
    SAFE_METHODS,
)
from ._public import publish

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

    max_retries: int = attrs.field(default=DEFAULT_MAX_RETRIES, validator=attrs.validators.ge(0))
    initial_delay: float = DEFAULT_INITIAL_DELAY
    max_delay: float = DEFAULT_MAX_DELAY
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT

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


publish(globals())
