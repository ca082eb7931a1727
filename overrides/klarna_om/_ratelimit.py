"""Klarna's rate limits: what a response announces, how long a 429 waits, and a shared pacer.

Exists because Klarna meters every merchant (200 requests per second in production, 50 in the
playground) and says so in headers a spec cannot make a client act on: ``X-Ratelimit-Remaining``
on every response, ``X-Ratelimit-Limit`` and ``X-Ratelimit-Reset`` on a 429, and no
``Retry-After``. It could be deleted if httpx, or a retry library the client adopts, read these
headers and paced requests itself. Parsing never raises on a header value (a garbage value reads
as ``None``), and the pacer never holds its lock while it sleeps.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable, Mapping

import attrs
import httpx

from ._errors import InvalidInputError
from ._public import publish

#: The response headers read, lower-cased: Klarna's, then the IETF drafts' (every revision).
_NAMES = frozenset(
    {
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "ratelimit",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "ratelimit-policy",
    }
)
_KLARNA_NAMES = frozenset({"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"})
_RAW_NAMES = frozenset(name.encode() for name in _NAMES)
#: Members of one header read at most: a policy list longer than this is cut, not parsed.
_MAX_MEMBERS = 16
#: A reset or window above a year is a date or a Unix time sent by mistake: read as None.
_MAX_SECONDS = 366 * 24 * 3600.0
_COUNT = re.compile(r"[0-9]{1,18}")
_SECONDS = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,9})?")

#: ``wait_for_reset`` adds up to this share of the reset (at least ``RESET_JITTER_FLOOR`` s).
RESET_JITTER_SHARE = 0.2
RESET_JITTER_FLOOR = 0.1

#: After a 429, the pacer's rate starts to recover once this many seconds pass without another;
RECOVER_AFTER = 5.0
#: ... then grows by this factor per further second, up to its maximum.
RECOVERY_FACTOR = 1.25
#: 429s within this many seconds of a slowdown are the same episode (requests already in flight).
SLOWDOWN_GRACE = 1.0
#: The longest pause an announced reset imposes on the pacer.
DEFAULT_MAX_PAUSE = 60.0


@attrs.frozen
class RateLimit:
    """What a response announced about the merchant's rate limit; ``None`` where it said nothing.

    Klarna's values are approximate, "best effort": pace by them, never count on them.

    Attributes:
        limit: Requests allowed per window (``X-Ratelimit-Limit: 40, 40;w=1`` -> 40).
        remaining: Requests left in the current window.
        reset: Seconds until the window resets (Klarna sends it with a 429).
        window: The metering window in seconds (``w=1`` -> 1.0).
    """

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None
    window: float | None = None

    @classmethod
    def from_headers(cls, headers: httpx.Headers | Mapping[str, str]) -> RateLimit | None:
        """Read the rate-limit headers of a response; None when it has none of them.

        Klarna's ``X-Ratelimit-Limit`` (``40, 40;w=1``), ``X-Ratelimit-Remaining`` and
        ``X-Ratelimit-Reset`` come first; then the IETF drafts' ``RateLimit`` (``limit=40,
        remaining=3, reset=1``, or ``"default";r=3;t=1``), ``RateLimit-Limit``,
        ``RateLimit-Remaining``, ``RateLimit-Reset`` and ``RateLimit-Policy`` (``40;w=1``, or
        ``"default";q=40;w=1``) fill what those leave out. Never raises: a garbage, negative or
        absurd value reads as None.

        Args:
            headers: The response's headers (``httpx.Headers`` or any mapping).

        Returns:
            The announced values, or None when no rate-limit header is present.
        """
        if isinstance(headers, httpx.Headers):  # the raw bytes: decode only the few read
            found = _collect(
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in headers.raw
                if name.lower() in _RAW_NAMES
            )
        else:
            found = _collect(headers.items())
        if not found:
            return None
        limit, window = _limit_and_window(found.get("x-ratelimit-limit"))
        remaining = _count(found.get("x-ratelimit-remaining"))
        fields = (limit, remaining, _seconds(found.get("x-ratelimit-reset")), window)
        if not found.keys() <= _KLARNA_NAMES:  # the IETF drafts' headers too
            fields = _merge(fields, _combined(found.get("ratelimit")))
            fields = _merge(fields, _separate(found))
            fields = _merge(fields, _policy(found.get("ratelimit-policy")))
        return cls(*fields)


def wait_for_reset(rate_limit: RateLimit | None, *, cap: float, jitter: float) -> float | None:
    """Seconds a 429 without ``Retry-After`` waits: the announced reset, a little later, capped.

    Pure. The reset is stretched by up to ``RESET_JITTER_SHARE`` of itself (at least
    ``RESET_JITTER_FLOOR`` seconds), so that clients limited together do not all come back at
    the same instant, and then capped.

    Args:
        rate_limit: What the 429 announced (``RateLimit.from_headers``).
        cap: The longest wait returned, in seconds (0 or more).
        jitter: A number in [0, 1), normally ``random.random()``.

    Returns:
        The wait in seconds, or None when no reset was announced (back off as usual then).
    """
    if rate_limit is None or rate_limit.reset is None:
        return None
    spread = max(RESET_JITTER_SHARE * rate_limit.reset, RESET_JITTER_FLOOR)
    return max(0.0, min(cap, rate_limit.reset + jitter * spread))


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
    ``burst``. A reserved slot is used even when its waiter is cancelled (a lost slot, never an
    extra request).

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
        wait = self._reserve(max_wait)
        if wait is None:
            return False
        if wait > 0:
            self._sleep(wait)
        return True

    async def acquire_async(self, *, max_wait: float | None = None) -> bool:
        """Wait (with the injected ``async_sleep``) until the next request may start.

        Args:
            max_wait: As for ``acquire``.

        Returns:
            As for ``acquire``.
        """
        wait = self._reserve(max_wait)
        if wait is None:
            return False
        if wait > 0:
            await self._async_sleep(wait)
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

    def _current_rate(self, now: float) -> float:
        """The rate at ``now``, recovered for the quiet seconds since the last slowdown."""
        quiet = now - self._slowed_at - RECOVER_AFTER
        if self._rate < self.max_rate and quiet > 0:
            steps = min(1000, math.floor(quiet) + 1)
            self._rate = min(self.max_rate, self._slowed_rate * RECOVERY_FACTOR**steps)
        return self._rate

    def _reserve(self, max_wait: float | None) -> float | None:
        """Reserve the next slot; the seconds until it, or None (nothing reserved) past max_wait.

        The generic cell rate algorithm: a token bucket of ``burst`` kept as one time.
        """
        with self._lock:
            now = self._clock()
            interval = 1.0 / self._current_rate(now)
            earliest = max(now, self._paused_until)
            due = max(self._next, earliest)
            slot = max(earliest, due - (self.burst - 1) * interval)
            wait = slot - now
            if max_wait is not None and wait > max_wait:
                return None
            self._next = due + interval
            return wait


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


# --- parsing: each helper returns None for anything it cannot read ---

_Fields = tuple[int | None, int | None, float | None, float | None]
_NOTHING: _Fields = (None, None, None, None)


def _collect(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        if key in _NAMES:
            found[key] = f"{found[key]}, {value}" if key in found else value
    return found


def _merge(first: _Fields, then: _Fields) -> _Fields:
    """``first``'s values, with ``then``'s where ``first`` has None."""
    return (
        first[0] if first[0] is not None else then[0],
        first[1] if first[1] is not None else then[1],
        first[2] if first[2] is not None else then[2],
        first[3] if first[3] is not None else then[3],
    )


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    return int(text) if _COUNT.fullmatch(text) else None


def _seconds(text: str | None) -> float | None:
    if text is None:
        return None
    text = text.strip()
    if not _SECONDS.fullmatch(text):
        return None
    value = float(text)
    return value if value <= _MAX_SECONDS else None


def _members(text: str) -> list[tuple[str, dict[str, str]]]:
    """``a;k=v, b`` -> ``[("a", {"k": "v"}), ("b", {})]`` (structured-field lists, loosely)."""
    members = []
    for member in text.split(",", _MAX_MEMBERS)[:_MAX_MEMBERS]:
        head, *params = member.split(";")
        pairs = (param.partition("=") for param in params)
        members.append((head.strip(), {k.strip().lower(): v.strip() for k, _, v in pairs}))
    return members


def _limit_and_window(text: str | None) -> tuple[int | None, float | None]:
    """``40, 40;w=1`` -> (40, 1.0): the first number, and the first policy's window."""
    if text is None:
        return None, None
    members = _members(text)
    windows = (params["w"] for _, params in members if "w" in params)
    return _count(members[0][0]), _seconds(next(windows, None))


def _combined(text: str | None) -> _Fields:
    """``RateLimit``: ``limit=40, remaining=3, reset=1`` or ``"default";r=3;t=1``."""
    if text is None:
        return _NOTHING
    members = _members(text)
    if "=" in members[0][0]:
        values = {k.strip().lower(): v for k, _, v in (head.partition("=") for head, _ in members)}
        return (
            _count(values.get("limit")),
            _count(values.get("remaining")),
            _seconds(values.get("reset")),
            None,
        )
    params = members[0][1]
    return None, _count(params.get("r")), _seconds(params.get("t")), None


def _separate(found: Mapping[str, str]) -> _Fields:
    """``RateLimit-Limit`` (``40`` or ``40, 40;w=1``), ``-Remaining`` and ``-Reset``."""
    limit, window = _limit_and_window(found.get("ratelimit-limit"))
    remaining = _count(found.get("ratelimit-remaining"))
    return limit, remaining, _seconds(found.get("ratelimit-reset")), window


def _policy(text: str | None) -> _Fields:
    """``RateLimit-Policy``: ``40;w=1`` or ``"default";q=40;w=1`` (the first policy)."""
    if text is None:
        return _NOTHING
    head, params = _members(text)[0]
    quota = _count(head) if "q" not in params else _count(params["q"])
    return quota, None, None, _seconds(params.get("w"))


publish(globals())
