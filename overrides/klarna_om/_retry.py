"""Retries: a small pure policy, and what the sync and async retry transports share.

Exists because the generated client sends every request once. The transports themselves are in
``_async_transport`` (the source) and ``_sync_transport`` (made from it by ``scripts/unasync.py``);
nothing else in klarna_om sleeps or retries. A write (POST, PATCH) is retried only when it carries
a ``Klarna-Idempotency-Key``, and the very same request (same key) is re-sent.
"""

from __future__ import annotations

import contextlib
import logging
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from typing import NoReturn, cast

import attrs
import httpx

from ._constants import (
    DEFAULT_INITIAL_DELAY,
    DEFAULT_MAX_DELAY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_TOTAL_TIMEOUT,
    IDEMPOTENCY_HEADER,
    RETRYABLE_STATUSES,
    SAFE_METHODS,
)
from ._errors import ResponseTooLargeError, json_object, parse_retry_after

logger = logging.getLogger("klarna_om")
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
        if response is not None and response.status_code not in RETRYABLE_STATUSES:
            return None  # the common case, decided without reading headers or drawing jitter
        delay = self.policy.next_delay(
            request.method,
            IDEMPOTENCY_HEADER in request.headers,
            attempt,
            now - started,
            self.jitter(),
            status_code=None if response is None else response.status_code,
            exception=exception,
            retry_after=None if response is None else parse_retry_after(response.headers),
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


class BodyReader:
    """Collects a response body up to a size cap and a deadline (the body of a streaming loop).

    The transports feed it the raw chunks; it stops a body that is too big or too slow, and
    decodes gzip or deflate within the same cap, so no answer can exhaust memory or time.
    """

    def __init__(
        self, request: httpx.Request, limit: int, deadline: float, clock: Callable[[], float]
    ) -> None:
        self.request = request
        self.limit = limit
        self.deadline = deadline
        self.clock = clock
        self.status_code = 0
        self.size = 0
        self.chunks: list[bytes] = []

    def too_large(self) -> NoReturn:
        """Raise the typed error for a body over the cap."""
        raise ResponseTooLargeError(
            f"{self.status_code} response is larger than max_response_bytes={self.limit}; "
            "reading stopped",
            request=self.request,
            idempotency_key=self.request.headers.get(IDEMPOTENCY_HEADER),
            status_code=self.status_code,
            limit=self.limit,
        )

    def start(self, response: httpx.Response) -> None:
        """Refuse at once a body whose declared length is over the cap."""
        self.status_code = response.status_code
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            self.too_large()

    def already_read(self, response: httpx.Response) -> httpx.Response:
        """Check a response an inner transport has read already (e.g. a test double)."""
        self.status_code = response.status_code
        if len(response.content) > self.limit:
            self.too_large()
        return response

    def check(self, chunk: bytes) -> None:
        """Count one chunk; raise when the cap or the deadline is passed."""
        self.size += len(chunk)
        if self.size > self.limit:
            self.too_large()
        if self.clock() > self.deadline:
            raise httpx.ReadTimeout(
                "the call's time budget ran out while reading the body", request=self.request
            )

    def add(self, chunk: bytes) -> None:
        """Take one chunk (kept for ``finish``); raise when the cap or the deadline is passed."""
        self.check(chunk)
        self.chunks.append(chunk)

    def guarded_async(
        self, stream: httpx.SyncByteStream | httpx.AsyncByteStream
    ) -> httpx.AsyncByteStream:
        """An async response's ``stream``, read in place (``aread``) under the cap and deadline."""
        return _GuardedAsyncStream(cast(httpx.AsyncByteStream, stream), self)

    def guarded_sync(
        self, stream: httpx.SyncByteStream | httpx.AsyncByteStream
    ) -> httpx.SyncByteStream:
        """A sync response's ``stream``, read in place (``read``) under the cap and deadline."""
        return _GuardedSyncStream(cast(httpx.SyncByteStream, stream), self)

    def finish(self, response: httpx.Response) -> httpx.Response:
        """The response again, its body in memory and decoded (gzip or deflate)."""
        content = b"".join(self.chunks)
        headers = response.headers
        codings = [
            c.strip().lower()
            for c in ",".join(headers.get_list("content-encoding")).split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            # the client asks for identity; httpx would decode anything else without the cap
            raise httpx.RemoteProtocolError(
                "the response has a content encoding the client did not ask for",
                request=self.request,
            )
        encoding = codings[0] if codings else "identity"
        if "content-encoding" in headers:
            headers = httpx.Headers(headers)
            del headers["content-encoding"]
        if encoding in ("gzip", "x-gzip", "deflate"):
            # 47: a gzip or zlib header, detected; raw deflate needs -15.
            wbits = 47 if encoding != "deflate" or content[:1] == b"\x78" else -15
            decoder = zlib.decompressobj(wbits)
            try:
                content = decoder.decompress(content, self.limit + 1)
            except zlib.error as exc:
                raise httpx.RemoteProtocolError(
                    f"{encoding} body could not be decoded", request=self.request
                ) from exc
            if len(content) > self.limit:
                self.too_large()
            headers["content-length"] = str(len(content))
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=content,
            extensions=response.extensions,
            request=self.request,
        )


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
            json_object(response.content).get("correlation_id")
            if response.status_code >= 400
            else None
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


class _GuardedAsyncStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, reader: BodyReader) -> None:
        self._inner = inner
        self._reader = reader

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._reader.check(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class _GuardedSyncStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, reader: BodyReader) -> None:
        self._inner = inner
        self._reader = reader

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._reader.check(chunk)
            yield chunk

    def close(self) -> None:
        self._inner.close()
