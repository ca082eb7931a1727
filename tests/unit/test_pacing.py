"""Rate limits acted on by the client: a 429 waits its announced reset, and the opt-in pacer.

Each test runs on the sync and the async client (the ``harness`` fixture). No test sleeps: the
retry transport records its waits, and the pacer runs on the fake ``Clock`` of
``test_ratelimit``, whose ``waits`` are the pacer's own.
"""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from klarna_om import (
    AsyncKlarnaOrderManagement,
    AsyncRetryTransport,
    InvalidInputError,
    KlarnaOrderManagement,
    Pacer,
    RateLimit,
    RateLimitError,
    RetryPolicy,
    RetryTransport,
)
from tests._support.harness import (
    BASE_URL,
    PASSWORD,
    USERNAME,
    Harness,
    Recorder,
    created,
    error_response,
)
from tests.unit.test_ratelimit import Clock, pacer_on

ORDER = {
    "order_id": "o-1",
    "status": "CAPTURED",
    "purchase_currency": "EUR",
    "order_amount": 1000,
    "original_order_amount": 1000,
    "captured_amount": 1000,
    "refunded_amount": 0,
}


def limited(reset: str | None = "2", **more: str) -> httpx.Response:
    """Klarna's 429: the three X-Ratelimit headers and no Retry-After."""
    headers = {"X-Ratelimit-Limit": "40, 40;w=1", "X-Ratelimit-Remaining": "0", **more}
    if reset is not None:
        headers["X-Ratelimit-Reset"] = reset
    return error_response(429, "TOO_MANY_REQUESTS", headers=headers)


def order(**headers: str) -> httpx.Response:
    return httpx.Response(200, json=ORDER, headers=headers)


# --- a 429 without Retry-After waits until the reset it announces ---


@pytest.mark.parametrize(
    ("answer", "expected_sleeps"),
    [
        pytest.param(limited("2"), [2.0], id="the-announced-reset"),
        pytest.param(limited("0.25"), [0.25], id="a-fractional-reset"),
        pytest.param(limited("29.9"), [29.9], id="just-under-max-retry-after"),
        pytest.param(limited("2", **{"Retry-After": "7"}), [7.0], id="retry-after-wins"),
        pytest.param(limited(None), [0.5], id="no-reset-backs-off-as-usual"),
        pytest.param(limited("garbage"), [0.5], id="an-unreadable-reset-backs-off"),
        pytest.param(
            error_response(503, "UNAVAILABLE", headers={"X-Ratelimit-Reset": "9"}),
            [0.5],
            id="only-a-429-waits-for-a-reset",
        ),
    ],
)
def test_a_retried_answer_waits(
    harness: Harness, answer: httpx.Response, expected_sleeps: list[float]
) -> None:
    rec = Recorder(answer, created())
    result = harness.client(rec).refund_order("o-1", 100)
    assert (result.refund_id, harness.sleeps, len(set(rec.keys))) == ("r-1", expected_sleeps, 1)


@pytest.mark.parametrize(
    ("reset", "jitter", "expected"),
    [("2", 0.0, 2.0), ("2", 0.5, 2.2), ("2", 0.99, 2.396), ("29", 0.99, 30.0)],
    ids=["no-jitter", "half", "most", "capped-at-max-retry-after"],
)
def test_the_reset_wait_is_jittered_later_never_earlier(
    reset: str, jitter: float, expected: float
) -> None:
    sleeps: list[float] = []
    transport = RetryTransport(
        httpx.MockTransport(Recorder(limited(reset), order())),
        sleep=sleeps.append,
        jitter=lambda: jitter,
    )
    with KlarnaOrderManagement(USERNAME, PASSWORD, base_url=BASE_URL, transport=transport) as c:
        assert c.get_order("o-1").order_id == "o-1"
    assert sleeps == [pytest.approx(expected)]


def test_a_reset_past_max_retry_after_stops_retrying_as_a_long_retry_after_does(
    harness: Harness,
) -> None:
    rec = Recorder(limited("45"), created())
    with pytest.raises(RateLimitError) as info:
        harness.client(rec).refund_order("o-1", 100)
    assert (len(rec.requests), harness.sleeps, info.value.rate_limit) == (
        1,
        [],
        RateLimit(limit=40, remaining=0, reset=45.0, window=1.0),
    )


def test_a_reset_past_the_deadline_stops_retrying(harness: Harness) -> None:
    rec = Recorder(limited("20"))
    with pytest.raises(RateLimitError) as info:
        harness.client(rec, policy=RetryPolicy(total_timeout=15)).refund_order("o-1", 100)
    assert (len(rec.requests), harness.sleeps, info.value.status_code) == (1, [], 429)


# --- the pacer ---


def test_the_pacer_spaces_every_call(harness: Harness) -> None:
    clock = Clock()
    rec = Recorder(order())
    client = harness.client(rec, pacer=pacer_on(clock, 10))
    for _ in range(4):
        client.get_order("o-1")
    assert (len(rec.requests), clock.waits) == (4, [0.1, 0.1, 0.1])


def test_retries_are_paced_too(harness: Harness) -> None:
    clock = Clock()
    rec = Recorder(error_response(503, "UNAVAILABLE"), error_response(503, "UNAVAILABLE"), order())
    harness.client(rec, pacer=pacer_on(clock, 4)).get_order("o-1")
    assert (len(rec.requests), clock.waits, harness.sleeps) == (3, [0.25, 0.25], [0.5, 1.0])


def test_remaining_zero_on_a_success_pauses_the_next_call_until_the_reset(
    harness: Harness,
) -> None:
    clock = Clock()
    rec = Recorder(order(**{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "3"}), order())
    client = harness.client(rec, pacer=pacer_on(clock, 100))
    client.get_order("o-1")
    client.get_order("o-1")
    assert clock.waits == [3.0]


def test_quota_left_changes_nothing(harness: Harness) -> None:
    clock = Clock()
    rec = Recorder(order(**{"X-Ratelimit-Remaining": "7", "X-Ratelimit-Reset": "3"}))
    client = harness.client(rec, pacer=pacer_on(clock, 10))
    client.get_order("o-1")
    client.get_order("o-1")
    assert clock.waits == [0.1]


def test_a_429_halves_the_pacers_rate(harness: Harness) -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10)
    harness.client(Recorder(limited("1"), created()), pacer=pacer).refund_order("o-1", 100)
    assert (pacer.rate, pacer.slowdowns, harness.sleeps) == (5.0, 1, [1.0])


def test_the_first_attempt_waits_for_its_slot_outside_the_calls_budget(
    harness: Harness,
) -> None:
    # A bulk job queues on the pacer: a long wait for the first slot is no timeout.
    clock = Clock()
    pacer = pacer_on(clock, 10)
    pacer.observe(RateLimit(remaining=0, reset=50.0))  # paused for 50 s
    rec = Recorder(created())
    client = harness.client(rec, policy=RetryPolicy(total_timeout=20), pacer=pacer)
    result = client.refund_order("o-1", 100, idempotency_key="k-1")
    assert (result.idempotency_key, len(rec.requests), clock.waits) == ("k-1", 1, [50.0])


@pytest.mark.parametrize(
    ("total_timeout", "requests", "pacer_waits"),
    [
        pytest.param(21.5, 2, [20.0], id="the-slot-leaves-a-second-to-run"),
        pytest.param(20.5, 1, [], id="no-slot-that-leaves-a-second"),
    ],
)
def test_a_paced_retry_is_sent_only_with_a_second_of_the_budget_left(
    harness: Harness, total_timeout: float, requests: int, pacer_waits: list[float]
) -> None:
    clock = Clock()
    pacer = pacer_on(clock, 10)
    rec = Recorder(limited("20"), limited("20"))
    policy = RetryPolicy(max_retries=1, total_timeout=total_timeout)
    client = harness.client(rec, policy=policy, pacer=pacer)
    with pytest.raises(RateLimitError) as info:
        client.refund_order("o-1", 100)
    # The 429 paused the pacer for its reset (20 s) and the retry waited as long (harness
    # sleeps take no time): the retry's slot was then 20 s away on the pacer's clock.
    assert (len(rec.requests), clock.waits, info.value.status_code, len(set(rec.keys))) == (
        requests,
        pacer_waits,
        429,
        1,
    )


# --- the client setting ---


@pytest.mark.parametrize("client_class", [KlarnaOrderManagement, AsyncKlarnaOrderManagement])
def test_max_requests_per_second_makes_one_pacer_for_the_client_and_its_children(
    client_class: Any,
) -> None:
    client = client_class(USERNAME, PASSWORD, base_url=BASE_URL, max_requests_per_second=25)
    child = client.with_options(max_retries=0).with_options(timeout=3)
    assert (type(client.pacer), client.pacer.max_rate) == (Pacer, 25.0)
    assert (child.pacer, child._transport.pacer, client._transport.pacer) == (client.pacer,) * 3
    assert client_class(USERNAME, PASSWORD, base_url=BASE_URL).pacer is None


@pytest.mark.parametrize("client_class", [KlarnaOrderManagement, AsyncKlarnaOrderManagement])
def test_a_pacer_object_is_shared_between_clients(client_class: Any) -> None:
    pacer = Pacer(50)
    one = client_class(USERNAME, PASSWORD, base_url=BASE_URL, max_requests_per_second=pacer)
    two = client_class("K2", "pw", base_url=BASE_URL, max_requests_per_second=pacer)
    assert (one.pacer, two.pacer) == (pacer, pacer)


@pytest.mark.parametrize(
    ("client_class", "transport"),
    [
        (KlarnaOrderManagement, RetryTransport(httpx.MockTransport(Recorder(order())))),
        (
            AsyncKlarnaOrderManagement,
            AsyncRetryTransport(httpx.MockTransport(Recorder(order()))),
        ),
    ],
)
def test_a_pacer_for_a_given_retry_transport_is_refused(client_class: Any, transport: Any) -> None:
    with pytest.raises(InvalidInputError) as info:
        client_class(
            USERNAME, PASSWORD, base_url=BASE_URL, transport=transport, max_requests_per_second=5
        )
    assert info.value.field == "max_requests_per_second"
    assert str(info.value) == (
        "max_requests_per_second paces the client's own retry transport: give yours a pacer "
        "instead (pacer=Pacer(...))"
    )


@pytest.mark.parametrize("client_class", [KlarnaOrderManagement, AsyncKlarnaOrderManagement])
def test_a_retry_transports_pacer_is_the_clients(client_class: Any) -> None:
    pacer = Pacer(5)
    transport_class = RetryTransport if client_class is KlarnaOrderManagement else None
    transport: Any = (transport_class or AsyncRetryTransport)(
        httpx.MockTransport(Recorder(order())), pacer=pacer
    )
    client = client_class(USERNAME, PASSWORD, base_url=BASE_URL, transport=transport)
    assert client.pacer is pacer


@pytest.mark.parametrize("value", [0, -1, math.nan, math.inf, True, "10"])
def test_an_invalid_rate_is_refused(value: Any) -> None:
    with pytest.raises(InvalidInputError) as info:
        KlarnaOrderManagement(USERNAME, PASSWORD, base_url=BASE_URL, max_requests_per_second=value)
    assert (info.value.field, str(info.value)) == (
        "max_requests_per_second",
        "max_requests_per_second must be a finite number above 0",
    )
