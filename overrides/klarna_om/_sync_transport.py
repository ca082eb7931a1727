"""The sync twin of ``_async_transport.py``, made by ``scripts/unasync.py``: do not edit.

Edit the async source and run ``make unasync``; its docstring says what this is for.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import httpx

from ._attempts import RetryCore, sync_deadline_scope, sync_sleep
from ._body import BodyReader
from ._constants import DEFAULT_MAX_RESPONSE_BYTES
from ._deadline import CALL_DEADLINE
from ._errors import InvalidInputError
from ._pacer import Pacer
from ._process import Connections
from ._public import publish
from ._retry import RetryPolicy
from ._transports import default_sync_transport


class RetryTransport(httpx.BaseTransport):
    """An httpx transport that retries through ``policy`` around an inner transport.

    Args:
        inner: The transport that sends each attempt (default: httpx's own).
        policy: When to retry and how long the whole call may take.
        sleep: Waits between attempts (injected by tests).
        clock: Monotonic seconds (injected by tests).
        jitter: A number in [0, 1) per wait (injected by tests).
        max_response_bytes: The largest body read; a bigger one raises ``ResponseTooLargeError``.
        pacer: Paces every attempt and slows down on what the answers announce. The first
            attempt waits for its slot before the call's budget starts; a retry whose slot
            leaves it under ``RETRY_SLOT_MARGIN`` seconds of the budget is not sent (the call
            ends with the answer before it).

    In a child made by ``os.fork()``, an inner transport of klarna_om's own (the default one,
    ``AiohttpTransport``) is opened again, and the parent's is neither used nor closed there;
    any other raises ``ForkedClientError``. The async transport belongs to the event loop it is
    first used on: another loop raises ``EventLoopMismatchError``. Both come before sending.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = sync_sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        pacer: Pacer | None = None,
    ) -> None:
        self._connections = Connections(inner if inner is not None else default_sync_transport())
        self._core = RetryCore(policy or RetryPolicy(), clock, jitter, pacer)
        self._sleep = sleep
        self._jitter = jitter
        self.max_response_bytes = max_response_bytes
        self._owns_inner = True

    @classmethod
    def around(
        cls,
        transport: httpx.BaseTransport | None,
        limits: httpx.Limits | None,
        *,
        policy: RetryPolicy,
        max_response_bytes: int,
        pacer: Pacer | None = None,
    ) -> RetryTransport:
        """A client's retry transport: ``transport`` itself if it is one, else one around it.

        Without ``transport``, around klarna_om's own inner transport (with ``limits``).

        Raises:
            InvalidInputError: Both ``transport`` and ``limits`` are given, or a ``pacer`` and
                a retry transport (give that transport the pacer).
        """
        if limits is not None:
            if transport is not None:
                raise InvalidInputError(
                    "limits configures the default transport: set them on your own transport",
                    field="limits",
                )
            transport = default_sync_transport(limits)
        if isinstance(transport, RetryTransport):
            if pacer is not None:
                raise InvalidInputError(
                    "max_requests_per_second paces the client's own retry transport: give "
                    "yours a pacer instead (pacer=Pacer(...))",
                    field="max_requests_per_second",
                )
            return transport
        return cls(transport, policy=policy, max_response_bytes=max_response_bytes, pacer=pacer)

    def with_policy(self, policy: RetryPolicy) -> RetryTransport:
        """A transport with another policy over the same inner transport, pool and pacer.

        Closing it leaves the inner transport open: its owner, this transport, closes it.
        """
        child = RetryTransport(
            self._connections.transport,
            policy=policy,
            sleep=self._sleep,
            clock=self._core.clock,
            jitter=self._jitter,
            max_response_bytes=self.max_response_bytes,
            pacer=self.pacer,
        )
        child._connections = self._connections  # one pool, one process and loop check
        child._owns_inner = False
        return child

    @property
    def _inner(self) -> httpx.BaseTransport:
        """The inner transport of this process (what sends each attempt)."""
        return self._connections.transport

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy this transport applies."""
        return self._core.policy

    @property
    def pacer(self) -> Pacer | None:
        """The pacer every attempt waits for, if any (shared with ``with_policy``'s children)."""
        return self._core.pacer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy allows; return the last response.

        With a pacer, the first attempt waits for its slot before the call's budget starts.
        """
        if self._core.pacer is not None:
            self._core.pacer.acquire()
        started = self._core.clock()
        deadline = started + self.policy.total_timeout
        timeouts = dict(request.extensions.get("timeout") or {})
        # bounds every socket operation of the default sync transport (in real monotonic time)
        token = CALL_DEADLINE.set(time.monotonic() + self.policy.total_timeout)
        try:
            return self._attempts(request, timeouts, started, deadline)
        finally:
            CALL_DEADLINE.reset(token)

    def _attempts(
        self,
        request: httpx.Request,
        timeouts: dict[str, float | None],
        started: float,
        deadline: float,
    ) -> httpx.Response:
        core, pacer = self._core, self._core.pacer
        attempt = 0
        last: httpx.Response | httpx.TransportError
        while True:
            attempt += 1
            attempt_start = core.clock()
            try:
                remaining = core.attempt_timeouts(request, timeouts, deadline)
                response = self._attempt(request, deadline, remaining)
            except httpx.TransportError as exc:
                delay = core.delay_after(request, attempt, started, attempt_start, None, exc)
                if delay is None:
                    raise
                last = exc
            else:
                delay = core.delay_after(request, attempt, started, attempt_start, response, None)
                if delay is None:
                    return response
                last = response
            self._sleep(delay)
            if pacer is not None and not pacer.acquire(
                max_wait=core.retry_slot_wait(deadline)
            ):  # no slot that leaves the retry time to run: it is not sent
                if isinstance(last, httpx.Response):
                    return last
                raise last

    def _attempt(self, request: httpx.Request, deadline: float, remaining: float) -> httpx.Response:
        reader = BodyReader(request, self.max_response_bytes, deadline, self._core.clock)
        try:
            with sync_deadline_scope(remaining):
                response = self._connections.handle_request(request)
                try:
                    if response.is_stream_consumed:  # an inner transport read it already
                        return reader.already_read(response)
                    reader.start(response)
                    if "content-encoding" not in response.headers:  # read in place: no copy
                        response.stream = reader.guarded_sync(response.stream)
                        response.read()
                        return response
                    for chunk in response.iter_raw():  # decoded by ``finish``, capped
                        reader.add(chunk)
                finally:
                    response.close()
        except TimeoutError:
            raise httpx.ReadTimeout(
                "the call's time budget ran out during the attempt", request=request
            ) from None
        return reader.finish(response)

    def close(self) -> None:
        """Close the inner transport, unless it is shared from ``with_policy``'s parent."""
        if self._owns_inner:
            self._connections.close()


publish(globals())
