"""What the sync and async retry transports share: the loop's clock, waits, budget and log line.

Exists so that ``_async_transport`` and its twin ``_sync_transport`` hold only the loop itself.
It asks ``RetryPolicy`` (``_retry``) whether and how long to wait; it never sleeps on its own (the
transports inject the sleep) and logs no header but the idempotency key, and no body.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

import httpx

from ._constants import IDEMPOTENCY_HEADER, RETRYABLE_STATUSES
from ._error_details import correlation_id_of
from ._errors import parse_retry_after
from ._pacer import Pacer
from ._ratelimit import RateLimit, wait_for_reset
from ._retry import RetryPolicy

logger = logging.getLogger("klarna_om")
#: A paced retry starts only with at least this many seconds of the call's budget left to run.
RETRY_SLOT_MARGIN = 1.0


async def async_sleep(seconds: float) -> None:
    """Wait between attempts through anyio, so the async client runs on asyncio and trio."""
    import anyio  # an httpx dependency, loaded only when an async retry waits

    await anyio.sleep(seconds)


def sync_sleep(seconds: float) -> None:
    """Wait between attempts."""
    time.sleep(seconds)


def async_deadline_scope(seconds: float) -> AbstractContextManager[object]:
    """Cancel an async attempt when the call's budget runs out (``TimeoutError``), via anyio."""
    import anyio

    return anyio.fail_after(seconds)


_NO_SCOPE: AbstractContextManager[object] = contextlib.nullcontext()


def sync_deadline_scope(seconds: float) -> AbstractContextManager[object]:
    """No scope for a sync attempt: the clamped timeouts and the body reader bound it."""
    return _NO_SCOPE


class RetryCore:
    """What the sync and async transports share: the policy, the clock, the pacer, the log line.

    ``pacer`` (optional) hears every response's rate-limit headers and every 429; the
    transports ask it for a slot before each attempt.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        clock: Callable[[], float],
        jitter: Callable[[], float],
        pacer: Pacer | None = None,
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.jitter = jitter
        self.pacer = pacer

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
        retry_after = None
        if response is not None:
            status = response.status_code
            rate_limit = (
                RateLimit.from_headers(response.headers)
                if self.pacer is not None or status == 429
                else None
            )
            if self.pacer is not None:
                self.pacer.observe(rate_limit, rate_limited=status == 429)
            if status not in RETRYABLE_STATUSES:
                return None  # the common case, decided without drawing jitter
            retry_after = parse_retry_after(response.headers)
            if retry_after is None and status == 429:  # Klarna sends no Retry-After: its reset
                retry_after = self._reset_wait(rate_limit)
        delay = self.policy.next_delay(
            request.method,
            IDEMPOTENCY_HEADER in request.headers,
            attempt,
            now - started,
            self.jitter(),
            status_code=None if response is None else response.status_code,
            exception=exception,
            retry_after=retry_after,
        )
        if delay is not None:
            logger.info(
                "retrying %s %s in %.2f s after %s (attempt %d of at most %d) idempotency_key=%s",
                request.method,
                request.url.path,
                delay,
                type(exception).__name__ if response is None else response.status_code,
                attempt + 1,
                self.policy.max_retries + 1,
                request.headers.get(IDEMPOTENCY_HEADER, "-"),
            )
        return delay

    def _reset_wait(self, rate_limit: RateLimit | None) -> float | None:
        """A 429's wait for its announced reset; a reset past ``max_retry_after`` stops retrying.

        As a long ``Retry-After`` does: retrying before the reset would only be refused again.
        """
        reset = None if rate_limit is None else rate_limit.reset
        if reset is not None and reset > self.policy.max_retry_after:
            return reset  # the policy refuses to wait that long
        return wait_for_reset(rate_limit, cap=self.policy.max_retry_after, jitter=self.jitter())

    def retry_slot_wait(self, deadline: float) -> float:
        """The longest a paced retry may wait for its slot: it keeps ``RETRY_SLOT_MARGIN`` s."""
        return deadline - self.clock() - RETRY_SLOT_MARGIN

    def attempt_timeouts(
        self, request: httpx.Request, timeouts: dict[str, float | None], deadline: float
    ) -> float:
        """Give the next attempt the configured timeouts, none beyond the call's deadline.

        Returns the seconds left; raises ``httpx.TimeoutException`` when none are.
        """
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise httpx.TimeoutException(
                f"the call's time budget of {self.policy.total_timeout:g} s is used up",
                request=request,
            )
        if any(value is None or value > remaining for value in timeouts.values()):
            request.extensions["timeout"] = {
                name: remaining if value is None else min(value, remaining)
                for name, value in timeouts.items()
            }
        else:  # the configured timeouts fit in the budget: the request keeps them
            request.extensions["timeout"] = timeouts
        return remaining


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
        response.request = request  # what the correlation id is checked against
        correlation_id = correlation_id_of(response) if response.status_code >= 400 else None
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
