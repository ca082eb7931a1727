"""Rate limits: the headers read whole, the wait a 429 takes, and the shared pacer.

The pacer's tests run on an injected clock and sleep, except two that prove it on real threads
and real asyncio tasks: no request may start before its slot.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from typing import Any

import httpx
import pytest
import trio

from klarna_om._errors import InvalidInputError
from klarna_om._pacer import DEFAULT_MAX_PAUSE, Pacer, _after_fork_in_child, pacer_for
from klarna_om._ratelimit import RateLimit, wait_for_reset


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param(
            {"X-Ratelimit-Limit": "40, 40;w=1", "X-Ratelimit-Remaining": "15"},
            RateLimit(limit=40, remaining=15, reset=None, window=1.0),
            id="klarna-every-response",
        ),
        pytest.param(
            {
                "X-Ratelimit-Limit": "40, 40;w=1",
                "X-Ratelimit-Remaining": "0",
                "X-Ratelimit-Reset": "1",
            },
            RateLimit(limit=40, remaining=0, reset=1.0, window=1.0),
            id="klarna-429",
        ),
        pytest.param(
            {"x-ratelimit-remaining": "3"},
            RateLimit(limit=None, remaining=3, reset=None, window=None),
            id="klarna-remaining-only",
        ),
        pytest.param(
            {"X-RateLimit-Limit": "200", "X-RateLimit-Reset": "0.25"},
            RateLimit(limit=200, remaining=None, reset=0.25, window=None),
            id="klarna-plain-limit-fractional-reset",
        ),
        pytest.param(
            {"X-Ratelimit-Limit": "40, 1000;w=3600, 40;w=1"},
            RateLimit(limit=40, remaining=None, reset=None, window=3600.0),
            id="klarna-several-policies-first-window",
        ),
        pytest.param(
            {"RateLimit-Limit": "10", "RateLimit-Remaining": "9", "RateLimit-Reset": "7"},
            RateLimit(limit=10, remaining=9, reset=7.0, window=None),
            id="ietf-separate-fields",
        ),
        pytest.param(
            {
                "RateLimit-Limit": "10",
                "RateLimit-Remaining": "9",
                "RateLimit-Reset": "7",
                "RateLimit-Policy": "10;w=1, 50;w=60",
            },
            RateLimit(limit=10, remaining=9, reset=7.0, window=1.0),
            id="ietf-separate-fields-with-policy",
        ),
        pytest.param(
            {"RateLimit-Limit": "10, 10;w=2"},
            RateLimit(limit=10, remaining=None, reset=None, window=2.0),
            id="ietf-early-quota-policy",
        ),
        pytest.param(
            {"RateLimit": "limit=40, remaining=3, reset=1", "RateLimit-Policy": "40;w=1"},
            RateLimit(limit=40, remaining=3, reset=1.0, window=1.0),
            id="ietf-dictionary",
        ),
        pytest.param(
            {"RateLimit": '"default";r=3;t=1', "RateLimit-Policy": '"default";q=40;w=1'},
            RateLimit(limit=40, remaining=3, reset=1.0, window=1.0),
            id="ietf-named-policy",
        ),
        pytest.param(
            {"RateLimit-Policy": '"burst";q=100;w=60, "daily";q=1000;w=86400'},
            RateLimit(limit=100, remaining=None, reset=None, window=60.0),
            id="ietf-policy-only-first-wins",
        ),
        pytest.param(
            {
                "X-Ratelimit-Remaining": "5",
                "RateLimit": "limit=40, remaining=3, reset=2",
                "RateLimit-Remaining": "1",
            },
            RateLimit(limit=40, remaining=5, reset=2.0, window=None),
            id="klarna-first-then-the-drafts",
        ),
    ],
)
def test_each_form_is_read_whole(headers: dict[str, str], expected: RateLimit) -> None:
    assert RateLimit.from_headers(httpx.Headers(headers)) == expected
    assert RateLimit.from_headers(headers) == expected  # any mapping, any case


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param({"Content-Type": "application/json", "Retry-After": "1"}, id="others"),
        pytest.param({"X-Rate-Limit-Remaining": "1"}, id="a-near-name"),
    ],
)
def test_no_rate_limit_header_reads_as_none(headers: dict[str, str]) -> None:
    assert RateLimit.from_headers(httpx.Headers(headers)) is None
    assert RateLimit.from_headers(headers) is None


NOTHING = RateLimit(limit=None, remaining=None, reset=None, window=None)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Ratelimit-Limit": "", "X-Ratelimit-Remaining": " ", "X-Ratelimit-Reset": ""},
        {"X-Ratelimit-Limit": "-40", "X-Ratelimit-Remaining": "-1", "X-Ratelimit-Reset": "-1"},
        {"X-Ratelimit-Limit": "forty", "X-Ratelimit-Remaining": "3.5", "X-Ratelimit-Reset": "1s"},
        {"X-Ratelimit-Limit": "nan", "X-Ratelimit-Remaining": "inf", "X-Ratelimit-Reset": "NaN"},
        {"X-Ratelimit-Limit": "1e3", "X-Ratelimit-Remaining": "+3", "X-Ratelimit-Reset": "inf"},
        {"X-Ratelimit-Limit": "9" * 5000, "X-Ratelimit-Remaining": "1_000"},
        {"X-Ratelimit-Reset": "1700000000"},  # a Unix time, not seconds to wait
        {"X-Ratelimit-Reset": "Tue, 16 Feb 2021 09:02:42 GMT"},
        {"X-Ratelimit-Limit": "x, 40;w=-1"},
        {"X-Ratelimit-Limit": ";;;,,,;w=;w"},
        {"X-Ratelimit-Limit": ",40"},
        {"X-Ratelimit-Limit": "4\x000", "X-Ratelimit-Remaining": "٣"},  # NUL, Arabic-Indic 3
        {"RateLimit": "limit=, remaining=x, reset=-2"},
        {"RateLimit": '"default";r=-1;t=abc', "RateLimit-Policy": '"default";q=;w=0x10'},
        {"RateLimit": "=", "RateLimit-Policy": "=;="},
        {"RateLimit-Limit": "-1", "RateLimit-Remaining": "", "RateLimit-Reset": "later"},
        {"RateLimit-Policy": ","},
    ],
)
def test_garbage_values_read_as_none_never_raise(headers: dict[str, str]) -> None:
    assert RateLimit.from_headers(headers) == NOTHING


def test_repeated_headers_are_one_list() -> None:
    headers = httpx.Headers([("X-Ratelimit-Limit", "40"), ("X-Ratelimit-Limit", "40;w=1")])
    assert RateLimit.from_headers(headers) == RateLimit(limit=40, window=1.0)


def test_a_long_policy_list_is_cut_not_parsed() -> None:
    value = "40, " + ", ".join(["1;q=1"] * 100_000) + ", 40;w=1"
    assert RateLimit.from_headers({"X-Ratelimit-Limit": value}) == RateLimit(limit=40)


def test_a_rate_limit_is_a_frozen_value() -> None:
    value = RateLimit(limit=40, remaining=1, reset=1.0, window=1.0)
    with pytest.raises(AttributeError):
        value.remaining = 0  # type: ignore[misc]
    assert repr(value) == "RateLimit(limit=40, remaining=1, reset=1.0, window=1.0)"


@pytest.mark.parametrize(
    ("rate_limit", "cap", "jitter", "expected"),
    [
        (None, 30.0, 0.5, None),
        (RateLimit(limit=40, remaining=0), 30.0, 0.5, None),  # no reset announced
        (RateLimit(reset=1.0), 30.0, 0.0, 1.0),
        (RateLimit(reset=1.0), 30.0, 0.5, 1.1),  # up to 20 % later
        (RateLimit(reset=10.0), 30.0, 0.5, 11.0),
        (RateLimit(reset=0.0), 30.0, 0.5, 0.05),  # at least up to 0.1 s later
        (RateLimit(reset=0.2), 30.0, 0.99, 0.299),
        (RateLimit(reset=100.0), 30.0, 0.0, 30.0),  # capped
        (RateLimit(reset=29.0), 30.0, 0.99, 30.0),  # the jitter capped too
        (RateLimit(reset=1.0), 0.0, 0.5, 0.0),
    ],
)
def test_wait_for_reset(
    rate_limit: RateLimit | None, cap: float, jitter: float, expected: float | None
) -> None:
    wait = wait_for_reset(rate_limit, cap=cap, jitter=jitter)
    assert wait == (None if expected is None else pytest.approx(expected))


class Clock:
    """A fake monotonic clock; its ``sleep`` records each wait and moves the time on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def pacer_on(clock: Clock, rate: float, **options: Any) -> Pacer:
    return Pacer(rate, clock=clock, sleep=clock.sleep, async_sleep=clock.async_sleep, **options)


def test_exact_spacing_from_the_first_request() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10)
    assert [pacer.acquire() for _ in range(4)] == [True] * 4
    assert clock.waits == [0.1, 0.1, 0.1]


def test_a_quiet_spell_gives_no_credit_without_burst() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10)
    pacer.acquire()
    clock.now += 60
    for _ in range(3):
        pacer.acquire()
    assert clock.waits == [0.1, 0.1]


def test_burst_then_spacing() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10, burst=3)
    for _ in range(5):
        pacer.acquire()
    assert clock.waits == [0.1, 0.1]
    clock.now += 0.25  # two and a half slots of credit, burst at most
    for _ in range(4):
        pacer.acquire()
    assert clock.waits == [0.1, 0.1, 0.05, 0.1]


def test_reservations_queue_in_order() -> None:
    # Slots are reserved before sleeping: three callers at once get 0, 0.1 and 0.2 s.
    clock = Clock()
    pacer = pacer_on(clock, 10)
    waits = [reserved[0] for reserved in (pacer._reserve(None) for _ in range(3)) if reserved]
    assert waits == pytest.approx([0.0, 0.1, 0.2])


def test_max_wait_gives_up_without_reserving() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10)
    assert pacer.acquire(max_wait=0)
    assert not pacer.acquire(max_wait=0.05)
    assert pacer.acquire(max_wait=0.1)  # the slot given up is still the next one
    assert clock.waits == [0.1]


def test_acquire_async_uses_the_async_sleep() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 4)

    async def main() -> list[bool]:
        return [await pacer.acquire_async(), await pacer.acquire_async(max_wait=0.1)]

    assert asyncio.run(main()) == [True, False]
    assert asyncio.run(pacer.acquire_async())
    assert clock.waits == [0.25]


def test_remaining_zero_pauses_until_the_reset() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10, burst=5)
    pacer.acquire()
    pacer.observe(RateLimit(limit=40, remaining=0, reset=2.0, window=1.0))
    pacer.acquire()
    pacer.acquire()  # after the pause, the burst is there again
    assert clock.waits == [2.0]


@pytest.mark.parametrize(
    ("rate_limit", "rate_limited", "pause"),
    [
        (RateLimit(remaining=0, reset=0.5, window=3.0), False, 0.5),
        (RateLimit(remaining=0, reset=3600.0), False, DEFAULT_MAX_PAUSE),  # at most max_pause
        (RateLimit(reset=2.0), True, 2.0),  # a 429's reset, remaining or not
        (RateLimit(remaining=4, reset=2.0), True, 2.0),
    ],
)
def test_the_pause_is_the_announced_reset(
    rate_limit: RateLimit, rate_limited: bool, pause: float
) -> None:
    clock = Clock()
    pacer = pacer_on(clock, 1000, min_rate=1000)
    pacer.observe(rate_limit, rate_limited=rate_limited)
    pacer.acquire()
    assert clock.waits == [pause]


@pytest.mark.parametrize(
    "rate_limit",
    [
        None,
        RateLimit(),
        RateLimit(remaining=1, reset=5.0),
        RateLimit(limit=40, reset=5.0),
        RateLimit(remaining=0),  # Klarna's last request of a window: no reset, nothing guessed
        RateLimit(remaining=0, window=1.0),
    ],
)
def test_quota_left_or_unknown_changes_nothing(rate_limit: RateLimit | None) -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10)
    pacer.observe(rate_limit)
    pacer.acquire()
    pacer.acquire()
    assert (clock.waits, pacer.rate, pacer.slowdowns) == ([0.1], 10.0, 0)


def test_a_429_halves_the_rate_and_it_recovers_after_a_quiet_spell() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10)
    for _ in range(3):
        pacer.acquire()
    assert clock.waits == [0.1, 0.1]
    pacer.observe(RateLimit(remaining=3), rate_limited=True)
    assert (pacer.rate, pacer.slowdowns) == (5.0, 1)
    slowed = clock.now
    pacer.acquire()
    assert clock.waits[-1] == 0.2
    clock.now = slowed + 4.9  # not yet quiet long enough
    assert pacer.rate == 5.0
    clock.now = slowed + 5.5  # a quarter more per second past 5 s
    assert pacer.rate == 6.25
    clock.now = slowed + 6.5
    assert pacer.rate == 7.8125
    clock.now = slowed + 20.0
    assert pacer.rate == 10.0  # never above the maximum


def test_429s_in_flight_together_halve_once() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 200)
    for _ in range(8):
        pacer.slow_down()
    assert (pacer.rate, pacer.slowdowns) == (100.0, 1)
    clock.now += 1.0  # the next second's 429 is a new episode
    pacer.slow_down()
    assert (pacer.rate, pacer.slowdowns) == (50.0, 2)


def test_the_slowed_rate_has_a_floor() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 8)
    for _ in range(10):
        pacer.slow_down()
        clock.now += 1.0
    assert (pacer.rate, pacer.slowdowns) == (1.0, 3)  # halvings only
    slow = pacer_on(Clock(), 0.5)  # a maximum below the floor is the floor
    slow.slow_down()
    assert slow.rate == 0.5


def test_after_a_429_no_burst_is_left() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10, burst=10)
    pacer.acquire()
    pacer.slow_down()
    pacer.acquire()
    pacer.acquire()
    assert clock.waits == [0.2, 0.2]  # the burst builds up again only with time


def test_paces_and_slows_down_through_the_async_api() -> None:
    # What the batch's --rate relies on: spacing, a 429 halving the rate, the slower spacing.
    clock = Clock()
    pacer = pacer_on(clock, 10)

    async def main() -> None:
        for _ in range(3):
            await pacer.acquire_async()
        pacer.slow_down()
        await pacer.acquire_async()

    asyncio.run(main())
    assert (clock.waits, pacer.rate, pacer.slowdowns) == ([0.1, 0.1, 0.2], 5.0, 1)


def test_repr() -> None:
    pacer = pacer_on(Clock(), 200)
    pacer.slow_down()
    assert repr(pacer) == "Pacer(max_requests_per_second=200, rate=100)"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"max_requests_per_second": 0}, "max_requests_per_second"),
        ({"max_requests_per_second": -1.0}, "max_requests_per_second"),
        ({"max_requests_per_second": math.nan}, "max_requests_per_second"),
        ({"max_requests_per_second": math.inf}, "max_requests_per_second"),
        ({"max_requests_per_second": True}, "max_requests_per_second"),
        ({"max_requests_per_second": "200"}, "max_requests_per_second"),
        ({"max_requests_per_second": 1, "burst": 0}, "burst"),
        ({"max_requests_per_second": 1, "burst": 2.0}, "burst"),
        ({"max_requests_per_second": 1, "min_rate": 0}, "min_rate"),
        ({"max_requests_per_second": 1, "max_pause": -1}, "max_pause"),
    ],
)
def test_invalid_settings(options: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Pacer(**options)
    assert caught.value.field == field


def test_pacer_for_a_client_setting() -> None:
    shared = Pacer(50)
    made = pacer_for(200)
    assert (pacer_for(None), pacer_for(shared), type(made), made and made.max_rate) == (
        None,
        shared,
        Pacer,
        200.0,
    )
    with pytest.raises(InvalidInputError) as caught:
        pacer_for(0)
    assert caught.value.field == "max_requests_per_second"


class Interrupted(Exception):
    """What a cancelled or interrupted sleep raises in these tests."""


def test_an_interrupted_waiter_gives_its_slot_back_to_the_next_request() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 1)

    def interrupted(seconds: float) -> None:
        raise Interrupted

    assert pacer.acquire()  # the slot now: no wait
    pacer._sleep = interrupted
    with pytest.raises(Interrupted):
        pacer.acquire()  # reserved the slot in 1 s, then interrupted
    pacer._sleep = clock.sleep
    assert [pacer.acquire(), pacer.acquire()] == [True, True]
    assert clock.waits == [1.0, 1.0]  # the given-back slot, then the next: no phantom one


def test_a_given_back_slot_that_has_passed_is_not_used() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 1)

    async def cancelled(seconds: float) -> None:
        raise asyncio.CancelledError

    assert pacer.acquire()
    pacer._async_sleep = cancelled
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(pacer.acquire_async())  # slot at +1 s given back
    clock.now += 5  # it has passed: a request now starts at once, and the next 1 s later
    assert [pacer.acquire(), pacer.acquire()] == [True, True]
    assert clock.waits == [1.0]


def test_a_slowdown_forgets_given_back_slots() -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10)
    pacer._give_back(clock.now + 0.05)
    pacer.slow_down()  # 5 per second now: a slot spaced for 10 per second is too early
    pacer.acquire()
    assert clock.waits == [0.2]


def test_a_real_cancelled_task_gives_its_slot_back() -> None:
    # Abandoned calls (asyncio.wait_for) on a real event loop: without the slot given back, the
    # next free one would be 1 s after the first (beyond max_wait); with it, 0.5 s after.
    pacer = Pacer(2)

    async def main() -> bool:
        assert await pacer.acquire_async()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(pacer.acquire_async(), 0.05)
        return await pacer.acquire_async(max_wait=0.6)

    assert asyncio.run(main()) is True


def test_a_forked_child_gets_a_fresh_lock() -> None:
    pacer = pacer_on(Clock(), 10)
    pacer._lock.acquire()  # as if a parent's thread held it at fork time
    _after_fork_in_child()  # what os.register_at_fork runs in the child
    assert pacer.acquire()


def assert_no_start_before_its_slot(starts: list[float], first: float, rate: float) -> None:
    # Slot k is at least k / rate after the first reservation, and nobody starts before its
    # slot, so the k-th start in time order is too (however late each sleeper wakes).
    late = [(k, round(t - first, 4)) for k, t in enumerate(sorted(starts)) if t - first < k / rate]
    assert late == []


def test_real_threads_share_the_pacer() -> None:
    pacer = Pacer(200)
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(25):
            pacer.acquire()
            now = time.monotonic()
            with lock:
                starts.append(now)

    threads = [threading.Thread(target=work) for _ in range(8)]
    first = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(starts) == 200
    assert max(starts) - first >= 199 / 200
    assert_no_start_before_its_slot(starts, first, 200)


def test_real_asyncio_tasks_share_the_pacer() -> None:
    pacer = Pacer(100)  # the default async sleep: anyio's
    starts: list[float] = []

    async def work() -> None:
        for _ in range(10):
            await pacer.acquire_async()
            starts.append(time.monotonic())

    async def main() -> float:
        first = time.monotonic()
        await asyncio.gather(*(work() for _ in range(10)))
        return first

    first = asyncio.run(main())
    assert len(starts) == 100
    assert max(starts) - first >= 99 / 100
    assert_no_start_before_its_slot(starts, first, 100)


def test_trio_tasks_too() -> None:
    pacer = Pacer(100)
    starts: list[float] = []

    async def main() -> float:
        first = time.monotonic()
        async with trio.open_nursery() as nursery:
            for _ in range(4):
                nursery.start_soon(work)
        return first

    async def work() -> None:
        for _ in range(5):
            await pacer.acquire_async()
            starts.append(time.monotonic())

    first = trio.run(main)
    assert len(starts) == 20
    assert_no_start_before_its_slot(starts, first, 100)
