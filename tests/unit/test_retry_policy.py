"""The retry policy is pure: schedule, Retry-After, deadline, classification; no sleeping."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from klarna_om import AsyncRetryTransport, RetryPolicy, RetryTransport
from klarna_om._errors import parse_retry_after

POLICY = RetryPolicy(max_retries=6)


def test_backoff_schedule_without_jitter() -> None:
    assert [POLICY.backoff(n, None, 0.0) for n in range(1, 8)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        8.0,
        8.0,
    ]


def test_backoff_jitter_scales_down_to_half() -> None:
    assert [POLICY.backoff(n, None, 0.5) for n in range(1, 5)] == [0.375, 0.75, 1.5, 3.0]
    assert POLICY.backoff(3, None, 0.999999) == pytest.approx(1.000001)


def test_retry_after_is_used_exactly_up_to_the_cap() -> None:
    assert [POLICY.backoff(1, s, 0.9) for s in (0.0, 2.5, 30.0, 30.5)] == [0.0, 2.5, 30.0, None]


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses(status: int) -> None:
    assert POLICY.should_retry("POST", True, 1, status_code=status)


@pytest.mark.parametrize("status", [200, 201, 204, 400, 401, 403, 404, 409, 422, 501, 520])
def test_statuses_that_are_never_retried(status: int) -> None:
    assert not POLICY.should_retry("GET", False, 1, status_code=status)


def test_writes_without_a_key_are_never_retried() -> None:
    assert not POLICY.should_retry("POST", False, 1, status_code=503)
    assert not POLICY.should_retry("PATCH", False, 1, exception=httpx.ConnectError("x"))
    assert POLICY.should_retry("GET", False, 1, status_code=503)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("x"), True),
        (httpx.ReadTimeout("x"), True),
        (httpx.ConnectTimeout("x"), True),
        (httpx.RemoteProtocolError("x"), True),
        (httpx.ReadError("x"), True),
        (httpx.UnsupportedProtocol("x"), False),
        (httpx.LocalProtocolError("x"), False),
    ],
)
def test_exception_classification(exc: Exception, expected: bool) -> None:
    assert POLICY.should_retry("POST", True, 1, exception=exc) is expected


def test_attempts_stop_after_max_retries() -> None:
    policy = RetryPolicy(max_retries=2)
    assert [policy.should_retry("GET", False, n, status_code=503) for n in (1, 2, 3)] == [
        True,
        True,
        False,
    ]


def test_deadline_across_attempts() -> None:
    policy = RetryPolicy(total_timeout=10.0)
    assert policy.next_delay("GET", False, 1, 9.0, 0.0, status_code=503) == 0.5
    assert policy.next_delay("GET", False, 1, 9.5, 0.0, status_code=503) is None
    assert policy.next_delay("GET", False, 1, 0.0, 0.0, status_code=429, retry_after=12) is None


def test_max_retries_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("0.5", 0.5),
        (" 2 ", 2.0),
        ("-1", None),
        ("nan", None),
        ("inf", None),
        ("Wed, 21 Oct 2026 07:28:00 GMT", None),
        ("", None),
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(httpx.Headers({"Retry-After": value})) == expected
    assert parse_retry_after(httpx.Headers()) is None


def test_transport_stops_at_the_deadline_with_a_fake_clock() -> None:
    calls: list[httpx.Request] = []
    now = [0.0]

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        now[0] = 59.8  # the attempt took until 59.8 s
        return httpx.Response(503)

    sleeps: list[float] = []
    # started=0; attempt 1 at 0, ends 59.8 -> elapsed 59.8 + 0.5 >= 60: no retry
    transport = RetryTransport(
        httpx.MockTransport(handler),
        sleep=sleeps.append,
        clock=lambda: now[0],
        jitter=lambda: 0.0,
    )
    response = transport.handle_request(httpx.Request("GET", "https://om.test/x"))
    assert (response.status_code, len(calls), sleeps) == (503, 1, [])


def test_transport_close_is_forwarded() -> None:
    closed: list[str] = []

    class Inner(httpx.BaseTransport):
        def close(self) -> None:
            closed.append("sync")

    class AsyncInner(httpx.AsyncBaseTransport):
        async def aclose(self) -> None:
            closed.append("async")

    RetryTransport(Inner()).close()
    asyncio.run(AsyncRetryTransport(AsyncInner()).aclose())
    assert closed == ["sync", "async"]


def test_default_inner_transports_are_klarna_oms_own() -> None:
    # Not merely httpx transports (any subclass passed that): the sync one bounds every socket
    # operation by the call's deadline, and both reopen themselves in a forked child.
    from klarna_om._constants import DEFAULT_LIMITS
    from klarna_om._deadline_backend import deadline_pool
    from klarna_om._process import Reopenable
    from klarna_om._transports import DeadlineHTTPTransport, DefaultAsyncTransport

    sync = RetryTransport()
    inner = sync._inner
    assert type(inner) is DeadlineHTTPTransport
    backend = inner._pool._network_backend
    assert type(backend) is type(
        deadline_pool(DEFAULT_LIMITS, ssl.create_default_context())._network_backend
    )
    assert type(backend).__module__ == "klarna_om._deadline_backend"
    assert inner._pool._max_connections == DEFAULT_LIMITS.max_connections
    assert isinstance(inner, Reopenable) and type(inner._reopened()) is DeadlineHTTPTransport
    sync.close()
    asynct = AsyncRetryTransport()
    assert type(asynct._inner) is DefaultAsyncTransport
    assert isinstance(asynct._inner, Reopenable)
    asyncio.run(asynct.aclose())


def test_the_default_sync_transport_loads_the_ca_bundle_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Loading the CA bundle is most of a cold start: httpx's pool and the deadline pool share one.
    made: list[ssl.SSLContext] = []
    create = httpx.create_ssl_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        context = create(*args, **kwargs)
        made.append(context)
        return context

    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    monkeypatch.setattr("httpx._transports.default.create_ssl_context", counting)
    from klarna_om._transports import DeadlineHTTPTransport

    transport = RetryTransport()
    assert made and all(context is made[0] for context in made)  # one context, made once
    inner = transport._inner
    assert isinstance(inner, DeadlineHTTPTransport)
    assert inner._pool._ssl_context is made[0]
    transport.close()


class _CutOff(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that breaks off mid-way, as when the connection drops during the response."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"refund_id": "r'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"refund_id": "r'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def _cut_then_whole() -> Callable[[httpx.Request], httpx.Response]:
    responses = [httpx.Response(200, stream=_CutOff()), httpx.Response(200, json={"a": 1})]
    return lambda request: responses.pop(0)


def test_a_body_cut_off_mid_way_is_retried() -> None:
    sleeps: list[float] = []
    transport = RetryTransport(
        httpx.MockTransport(_cut_then_whole()), sleep=sleeps.append, jitter=lambda: 0.0
    )
    response = transport.handle_request(httpx.Request("GET", "https://om.test/x"))
    assert (response.json(), sleeps) == ({"a": 1}, [0.5])

    async def run() -> tuple[Any, list[float]]:
        slept: list[float] = []

        async def sleep(seconds: float) -> None:
            slept.append(seconds)

        atransport = AsyncRetryTransport(
            httpx.MockTransport(_cut_then_whole()), sleep=sleep, jitter=lambda: 0.0
        )
        aresponse = await atransport.handle_async_request(httpx.Request("GET", "https://om.test/x"))
        return aresponse.json(), slept

    assert asyncio.run(run()) == ({"a": 1}, [0.5])
