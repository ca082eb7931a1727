"""A client-side pacer: at most N request starts per second, shared by threads and tasks.

Exists because Klarna meters each merchant (200 requests per second in production, 50 in the
playground) and a bulk job should stay under that instead of collecting 429s. It slows down on
what a response announces (``_ratelimit.RateLimit``) and on a 429, then recovers. It never holds
its lock while it sleeps.
"""

from __future__ import annotations

import heapq
import math
import os
import threading
import time
import weakref
from collections.abc import Awaitable, Callable

from ._errors import InvalidInputError
from ._public import publish
from ._ratelimit import RateLimit

#: After a 429, the pacer's rate starts to recover once this many seconds pass without another;
RECOVER_AFTER = 5.0
#: ... then grows by this factor per further second, up to its maximum.
RECOVERY_FACTOR = 1.25
#: 429s within this many seconds of a slowdown are the same episode (requests already in flight).
SLOWDOWN_GRACE = 1.0
#: The longest pause an announced reset imposes on the pacer.
DEFAULT_MAX_PAUSE = 60.0


async def _anyio_sleep(seconds: float) -> None:
    import anyio  # an httpx dependency: asyncio and trio alike

    await anyio.sleep(seconds)


#: Every live pacer, so that a forked child gets fresh locks (a parent's thread may hold one).
_PACERS: weakref.WeakSet[Pacer] = weakref.WeakSet()


class Pacer:
    """At most ``max_requests_per_second`` request starts, shared by every thread and task.

    One object for a client, its ``with_options`` children, its threads and its asyncio (or
    trio) tasks. Each ``acquire`` reserves the next free slot under a lock, and sleeps until
    then outside it: requests start exactly ``1 / rate`` seconds apart, after an initial
    ``burst``. The slot of a waiter that is cancelled (or interrupted) is given back, and the
    next request to reserve one takes it if it has not passed: never an extra request, and no
    queue of phantom reservations after a burst of abandoned calls.

    It slows down on what responses say (``observe``): no slot before an announced reset once
    ``remaining`` is 0 or on a 429, and a 429 halves the rate (not below ``min_rate``); the
    429s of ``SLOWDOWN_GRACE`` seconds count once, as they answer requests already in flight.
    After ``RECOVER_AFTER`` seconds without a 429 the rate grows by a quarter per second back
    to its maximum.

    Args:
        max_requests_per_second: The rate, above 0 (Klarna allows 200 per second per merchant
            in production, 50 in the playground, across all of a merchant's clients).
        burst: Requests that may start at once after a quiet spell (default 1: exact spacing).
        min_rate: The floor of the slowed rate (default 1 per second, or the rate if lower).
        max_pause: The longest pause an announced reset imposes, in seconds.
        clock: Monotonic seconds (injected by tests).
        sleep: Waits in ``acquire`` (injected by tests).
        async_sleep: Waits in ``acquire_async`` (default: anyio's, for asyncio and trio).

    Raises:
        InvalidInputError: A setting is not a finite number above 0 (``burst``: an int >= 1).
    """

    def __init__(
        self,
        max_requests_per_second: float,
        *,
        burst: int = 1,
        min_rate: float = 1.0,
        max_pause: float = DEFAULT_MAX_PAUSE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        async_sleep: Callable[[float], Awaitable[object]] = _anyio_sleep,
    ) -> None:
        self.max_rate: float = _positive(max_requests_per_second, "max_requests_per_second")
        if type(burst) is not int or burst < 1:
            raise InvalidInputError("burst must be an int of 1 or more", field="burst")
        self.burst: int = burst
        self.min_rate: float = min(self.max_rate, _positive(min_rate, "min_rate"))
        self.max_pause: float = _positive(max_pause, "max_pause")
        self.slowdowns: int = 0
        """How many times a 429 lowered the rate."""
        self._clock = clock
        self._sleep = sleep
        self._async_sleep = async_sleep
        self._lock = threading.Lock()
        self._rate = self._slowed_rate = self.max_rate
        self._slowed_at = -math.inf
        self._next = -math.inf  # the theoretical start of the next request (GCRA's TAT)
        self._paused_until = -math.inf
        self._freed: list[float] = []  # slots given back by cancelled waiters (a heap)
        _PACERS.add(self)

    def __repr__(self) -> str:
        return f"Pacer(max_requests_per_second={self.max_rate:g}, rate={self.rate:g})"

    @property
    def rate(self) -> float:
        """The rate now, in requests per second: the maximum unless a 429 slowed it."""
        with self._lock:
            return self._current_rate(self._clock())

    def acquire(self, *, max_wait: float | None = None) -> bool:
        """Wait (with the injected ``sleep``) until the next request may start.

        Args:
            max_wait: Give up at once, reserving nothing, when the slot is further away than
                this many seconds (e.g. what is left of a call's time budget).

        Returns:
            True once the request may start; False when it would wait longer than ``max_wait``.
        """
        reserved = self._reserve(max_wait)
        if reserved is None:
            return False
        wait, slot = reserved
        if wait > 0:
            try:
                self._sleep(wait)
            except BaseException:  # interrupted: the request will not start at its slot
                self._give_back(slot)
                raise
        return True

    async def acquire_async(self, *, max_wait: float | None = None) -> bool:
        """Wait (with the injected ``async_sleep``) until the next request may start.

        Args:
            max_wait: As for ``acquire``.

        Returns:
            As for ``acquire``.
        """
        reserved = self._reserve(max_wait)
        if reserved is None:
            return False
        wait, slot = reserved
        if wait > 0:
            try:
                await self._async_sleep(wait)
            except BaseException:  # cancelled: the request will not start at its slot
                self._give_back(slot)
                raise
        return True

    def observe(self, rate_limit: RateLimit | None, *, rate_limited: bool = False) -> None:
        """Slow down as a response asks: call it with every response's ``RateLimit``.

        Args:
            rate_limit: What the response announced (``RateLimit.from_headers``), if anything.
                When ``remaining`` is 0, or the response is a 429, an announced ``reset``
                pauses new requests for that many seconds (at most ``max_pause``). Without
                one nothing is guessed: Klarna announces it with its 429s, and the pacer
                already keeps its rate.
            rate_limited: The response is a 429: halve the rate (``slow_down``).
        """
        if rate_limited:
            self.slow_down()
        if rate_limit is None or rate_limit.reset is None:
            return
        if rate_limit.remaining == 0 or rate_limited:
            pause = min(self.max_pause, rate_limit.reset)
            with self._lock:
                self._paused_until = max(self._paused_until, self._clock() + pause)

    def slow_down(self) -> None:
        """Klarna said 429: halve the rate, and leave no burst for the requests that follow."""
        with self._lock:
            now = self._clock()
            if now - self._slowed_at < SLOWDOWN_GRACE:
                return
            current = self._current_rate(now)
            self._rate = self._slowed_rate = max(self.min_rate, current / 2)
            self._slowed_at = now
            self.slowdowns += self._rate < current
            self._next = max(self._next, now + self.burst / self._rate)
            self._freed.clear()  # spaced for the old rate

    def _current_rate(self, now: float) -> float:
        """The rate at ``now``, recovered for the quiet seconds since the last slowdown."""
        quiet = now - self._slowed_at - RECOVER_AFTER
        if self._rate < self.max_rate and quiet > 0:
            steps = min(1000, math.floor(quiet) + 1)
            self._rate = min(self.max_rate, self._slowed_rate * RECOVERY_FACTOR**steps)
        return self._rate

    def _reserve(self, max_wait: float | None) -> tuple[float, float] | None:
        """Reserve the next slot: the seconds until it and its time; None (nothing) past max_wait.

        The generic cell rate algorithm: a token bucket of ``burst`` kept as one time. A slot
        given back that has not passed (nor falls in a pause) is taken first.
        """
        with self._lock:
            now = self._clock()
            interval = 1.0 / self._current_rate(now)
            earliest = max(now, self._paused_until)
            while self._freed and self._freed[0] < earliest:
                heapq.heappop(self._freed)  # passed, or inside a pause: gone
            if self._freed:
                wait = self._freed[0] - now
                if max_wait is not None and wait > max_wait:
                    return None
                return wait, heapq.heappop(self._freed)
            due = max(self._next, earliest)
            slot = max(earliest, due - (self.burst - 1) * interval)
            wait = slot - now
            if max_wait is not None and wait > max_wait:
                return None
            self._next = due + interval
            return wait, slot

    def _give_back(self, slot: float) -> None:
        """A cancelled waiter's slot, for the next request to reserve one."""
        with self._lock:
            heapq.heappush(self._freed, slot)


def pacer_for(setting: float | Pacer | None) -> Pacer | None:
    """The pacer of a client's ``max_requests_per_second`` setting.

    Args:
        setting: None (no pacing), a rate (a new pacer for this client and its
            ``with_options`` children), or a ``Pacer`` (shared: Klarna meters a merchant across
            all of its clients and credentials).

    Returns:
        The pacer, or None.

    Raises:
        InvalidInputError: The rate is not a finite number above 0.
    """
    if setting is None or isinstance(setting, Pacer):
        return setting
    return Pacer(setting)


def _after_fork_in_child() -> None:
    for pacer in list(_PACERS):
        pacer._lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _positive(value: object, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InvalidInputError(f"{name} must be a finite number above 0", field=name)
    return float(value)


publish(globals())
