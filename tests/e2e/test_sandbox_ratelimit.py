"""The sandbox's rate limit: Klarna's 429 and headers, per merchant and category, on a clock.

``RateLimiter`` wraps the app of ``build_sandbox`` behind ``httpx.ASGITransport``; every response
is checked against spec/. The last test serves the wrapped app on a port, where an injected
dropped connection must still drop.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from klarna_om import AsyncKlarnaOrderManagement, AsyncRetryTransport, RateLimitError, RetryPolicy
from klarna_om_sandbox import Sandbox, SandboxServer, build_sandbox
from klarna_om_sandbox import _ratelimit as sandbox_ratelimit
from klarna_om_sandbox._ratelimit import OTHER_OPERATIONS, RateLimiter, order_management_category
from tests._support.openapi_check import SpecCheckingTransport

ORDER = "/ordermanagement/v1/orders/o-1"
BASE_URL = "http://localhost"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.moves = True
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:  # a client's retry wait moves the clock
        self.waits.append(seconds)
        if self.moves:
            self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox() -> Sandbox:
    made = build_sandbox(extra_credentials={"other": "secret"})
    for order_id in ("o-1", "o-2"):
        made.seed_order(
            {"order_amount": 10000, "order_id": order_id, "captures": [{"captured_amount": 5000}]}
        )
    return made


@pytest.fixture
def limited(sandbox: Sandbox, clock: Clock) -> RateLimiter:
    return RateLimiter(sandbox.app, rate=2, burst=3, clock=clock)


def http(app: Any, username: str = "sandbox", password: str = "sandbox") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=SpecCheckingTransport(httpx.ASGITransport(app=app), responses=True),
        base_url=BASE_URL,
        auth=(username, password),
    )


@pytest.fixture
async def client(limited: RateLimiter) -> AsyncIterator[httpx.AsyncClient]:
    async with http(limited) as c:
        yield c


def limit_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if "ratelimit" in k or k == "retry-after"}


@pytest.mark.anyio
async def test_off_by_default_the_app_sends_no_rate_limit_header(sandbox: Sandbox) -> None:
    async with http(sandbox.app) as c:
        responses = [await c.get(ORDER) for _ in range(20)]
    assert {(r.status_code, str(limit_headers(r))) for r in responses} == {(200, "{}")}


@pytest.mark.anyio
async def test_every_response_says_what_remains_then_429_in_klarnas_shape(
    client: httpx.AsyncClient,
) -> None:
    responses = [await client.get(ORDER) for _ in range(3)]
    assert [(r.status_code, limit_headers(r)) for r in responses] == [
        (200, {"x-ratelimit-remaining": "2"}),
        (200, {"x-ratelimit-remaining": "1"}),
        (200, {"x-ratelimit-remaining": "0"}),
    ]
    refused = await client.get(ORDER)
    body = refused.json()
    assert (refused.status_code, limit_headers(refused), body) == (
        429,
        {"x-ratelimit-limit": "2, 2;w=1", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"},
        {
            "error_code": "TOO_MANY_REQUESTS",
            "error_messages": ["Too many requests."],
            "correlation_id": body["correlation_id"],
        },
    )
    assert uuid.UUID(body["correlation_id"]).version == 4


@pytest.mark.anyio
async def test_every_operation_and_outcome_is_metered(client: httpx.AsyncClient) -> None:
    # A write, an unknown order and a release each take their turn; a refused write too.
    refund = await client.post(f"{ORDER}/refunds", json={"refunded_amount": 100})
    missing = await client.get("/ordermanagement/v1/orders/nope")
    release = await client.post(f"{ORDER}/release-remaining-authorization")
    assert [(r.status_code, limit_headers(r)) for r in (refund, missing, release)] == [
        (201, {"x-ratelimit-remaining": "2"}),
        (404, {"x-ratelimit-remaining": "1"}),
        (204, {"x-ratelimit-remaining": "0"}),
    ]
    assert (await client.post(f"{ORDER}/refunds", json={"refunded_amount": 1})).status_code == 429


@pytest.mark.anyio
async def test_the_bucket_refills_at_the_rate(client: httpx.AsyncClient, clock: Clock) -> None:
    for _ in range(3):
        await client.get(ORDER)
    clock.now += 0.4  # 0.8 of a request back: still refused, one second to wait (rounded up)
    first = await client.get(ORDER)
    clock.now += 0.1  # 1.0
    second = await client.get(ORDER)
    clock.now += 60  # full again, never more than the burst
    burst = [(await client.get(ORDER)).status_code for _ in range(4)]
    assert [first.status_code, first.headers["x-ratelimit-reset"], second.status_code] == [
        429,
        "1",
        200,
    ]
    assert burst == [200, 200, 200, 429]


@pytest.mark.anyio
async def test_a_long_wait_is_announced_in_whole_seconds(sandbox: Sandbox, clock: Clock) -> None:
    async with http(RateLimiter(sandbox.app, rate=0.25, clock=clock)) as c:
        statuses = [(await c.get(ORDER)).status_code for _ in range(2)]
        clock.now += 1.5
        refused = await c.get(ORDER)
    assert (statuses, limit_headers(refused)) == (
        [200, 429],
        {
            "x-ratelimit-limit": "0.25, 0.25;w=1",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "3",  # 2.5 s until a request is admitted, rounded up
        },
    )


@pytest.mark.anyio
async def test_each_merchant_has_its_own_limit(limited: RateLimiter) -> None:
    async with http(limited) as sandbox_merchant, http(limited, "other", "secret") as other:
        for _ in range(3):
            await sandbox_merchant.get(ORDER)
        assert (await sandbox_merchant.get(ORDER)).status_code == 429
        answer = await other.get(ORDER)
    assert (answer.status_code, limit_headers(answer)) == (200, {"x-ratelimit-remaining": "2"})


@pytest.mark.anyio
async def test_an_api_key_sent_whole_is_its_own_merchant(limited: RateLimiter) -> None:
    # Klarna's API keys go as "Basic <key>": metered by the key (the sandbox then says 401).
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=limited), base_url=BASE_URL
    ) as c:
        headers = {"Authorization": "Basic klarna_test_api_abc"}
        answers = [await c.get(ORDER, headers=headers) for _ in range(4)]
    assert [(r.status_code, r.headers.get("x-ratelimit-remaining")) for r in answers] == [
        (401, "2"),
        (401, "1"),
        (401, "0"),
        (429, "0"),
    ]


@pytest.mark.anyio
async def test_the_control_endpoints_and_anonymous_requests_are_never_metered(
    client: httpx.AsyncClient, limited: RateLimiter
) -> None:
    for _ in range(3):
        await client.get(ORDER)
    async with httpx.AsyncClient(  # the control endpoints are not in spec/: no spec check
        transport=httpx.ASGITransport(app=limited),
        base_url=BASE_URL,
        auth=("sandbox", "sandbox"),
    ) as control_client:
        control = [await control_client.get("/sandbox/clock") for _ in range(5)]
    assert {(r.status_code, str(limit_headers(r))) for r in control} == {(200, "{}")}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=limited), base_url=BASE_URL
    ) as anonymous:
        answers = [await anonymous.get(ORDER) for _ in range(5)]
        bearer = await anonymous.get(ORDER, headers={"Authorization": "Bearer abc"})
    assert {(r.status_code, str(limit_headers(r))) for r in [*answers, bearer]} == {(401, "{}")}


@pytest.mark.anyio
async def test_other_connections_pass_through_untouched() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        pass

    await RateLimiter(app, rate=1)({"type": "lifespan"}, receive, send)
    assert seen == ["lifespan"]


@pytest.mark.anyio
async def test_categories_are_metered_apart(sandbox: Sandbox, clock: Clock) -> None:
    def category(method: str, path: str) -> str | None:
        kind = "reads" if method == "GET" else "writes"
        return kind if path.startswith("/ordermanagement/") else None

    async with http(RateLimiter(sandbox.app, rate=1, clock=clock, category=category)) as c:
        reads = [(await c.get(ORDER)).status_code for _ in range(2)]
        writes = [(await c.post(f"{ORDER}/release-remaining-authorization")).status_code]
    assert (reads, writes) == ([200, 429], [204])


def test_order_management_is_klarnas_other_operations() -> None:
    assert [
        order_management_category("GET", "/ordermanagement/v1/orders/o-1"),
        order_management_category("POST", "/sandbox/orders"),
        order_management_category("GET", "/ordermanagementx"),
    ] == [OTHER_OPERATIONS, None, None]


async def nothing(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI app that is never called."""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rate": 0}, "rate must be a finite number above 0, got 0"),
        ({"rate": float("nan")}, "rate must be a finite number above 0, got nan"),
        ({"rate": float("inf")}, "rate must be a finite number above 0, got inf"),
        ({"rate": True}, "rate must be a finite number above 0, got True"),
        ({"rate": 5, "burst": 0}, "burst must be an int of 1 or more, got 0"),
        ({"rate": 5, "burst": 1.5}, "burst must be an int of 1 or more, got 1.5"),
    ],
)
def test_invalid_settings(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        RateLimiter(nothing, **options)
    assert str(caught.value) == message


def test_the_default_burst_is_a_seconds_worth() -> None:
    assert [RateLimiter(nothing, rate=r).burst for r in (50, 0.5, 2.5)] == [50, 1, 3]


@pytest.mark.anyio
async def test_idle_buckets_are_forgotten_when_there_are_many(
    sandbox: Sandbox, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox_ratelimit, "_MAX_BUCKETS", 8)
    limiter = RateLimiter(sandbox.app, rate=100, clock=clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=limiter), base_url=BASE_URL
    ) as c:
        for i in range(8):
            token = base64.b64encode(f"m{i}:x".encode()).decode()
            await c.get(ORDER, headers={"Authorization": f"Basic {token}"})
        clock.now += 0.005  # half a request back: none of them is full yet
        await c.get(ORDER, headers={"Authorization": "Basic klarna_test_api_a"})
        assert len(limiter._buckets) == 9
        clock.now += 1.0  # every bucket has refilled
        await c.get(ORDER, auth=("sandbox", "sandbox"))
    assert list(limiter._buckets) == [("sandbox", OTHER_OPERATIONS)]


@pytest.mark.anyio
async def test_the_client_backs_off_and_gets_through(limited: RateLimiter, clock: Clock) -> None:
    transport = AsyncRetryTransport(
        SpecCheckingTransport(httpx.ASGITransport(app=limited), responses=True),
        policy=RetryPolicy(max_retries=2),
        sleep=clock.sleep,
        clock=clock,
        jitter=lambda: 0.0,
    )
    async with AsyncKlarnaOrderManagement(
        "sandbox", "sandbox", base_url=BASE_URL, transport=transport
    ) as om:
        orders = [(await om.get_order("o-1")).order_id for _ in range(3)]
        fourth = await om.get_order("o-2")  # a 429, then a wait that brings a request back
        clock.moves = False  # from now on, retries find the bucket as they left it
        with pytest.raises(RateLimitError) as caught:
            for _ in range(4):  # what the wait brought back runs out, then the retries give up
                await om.get_order("o-1")
    # One wait for the 429 that got through, two for the one that did not: each long enough
    # for a request to come back at 2 per second (the backoff, or the announced reset).
    assert (orders, fourth.order_id, len(clock.waits)) == (["o-1"] * 3, "o-2", 3)
    assert min(clock.waits) >= 0.5
    error = caught.value
    assert (error.status_code, error.error_code, error.retry_after) == (
        429,
        "TOO_MANY_REQUESTS",
        None,
    )


def test_an_injected_dropped_connection_still_drops_behind_the_limiter() -> None:
    served = SandboxServer()
    # before uvicorn takes it; a clock that stands still: no token comes back between requests
    served.sandbox.app = RateLimiter(served.sandbox.app, rate=100, clock=lambda: 0.0)
    with served, httpx.Client(base_url=served.base_url, auth=("sandbox", "sandbox")) as c:
        served.create_order(10000, order_id="o-1")
        served.add_fault("getOrder", "drop_after_commit")
        with pytest.raises(httpx.RemoteProtocolError):
            c.get(ORDER)
        after = c.get(ORDER)
    assert (after.status_code, limit_headers(after)) == (200, {"x-ratelimit-remaining": "98"})
