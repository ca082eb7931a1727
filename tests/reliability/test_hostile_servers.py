"""Against servers that misbehave on purpose, every call ends within its budget and its memory.

The budget is ``RetryPolicy.total_timeout`` (1 s here) plus a slack for one last socket operation
and the interpreter; the read timeout (0.5 s) alone would never trip on slow bytes.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator

import httpx
import pytest

from klarna_om import (
    APIResponseValidationError,
    APITimeoutError,
    AsyncKlarnaOrderManagement,
    KlarnaOrderManagement,
    ResponseTooLargeError,
    RetryPolicy,
)
from tests._support.hostile_server import HostileServer

POLICY = RetryPolicy(max_retries=1, initial_delay=0.01, total_timeout=1.0)
TIMEOUT = httpx.Timeout(0.5)
SLACK = 1.0
SLOW = ["slow_headers", "slow_body", "slow_chunks"]
BIG = ["declared_50mb", "endless_chunks"]
SUMMARIES: list[str] = []


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    with HostileServer(request.param).running() as url:
        yield url


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _client(url: str) -> KlarnaOrderManagement:
    return KlarnaOrderManagement("u", "p", base_url=url, timeout=TIMEOUT, retry_policy=POLICY)


def _aclient(url: str) -> AsyncKlarnaOrderManagement:
    return AsyncKlarnaOrderManagement("u", "p", base_url=url, timeout=TIMEOUT, retry_policy=POLICY)


@pytest.mark.parametrize("server", SLOW, indirect=True)
def test_sync_write_ends_within_its_budget(server: str, request: pytest.FixtureRequest) -> None:
    started = time.monotonic()
    with _client(server) as client, pytest.raises(APITimeoutError) as info:
        client.refund_order("o-1", 100, idempotency_key="k-deadline")
    elapsed = time.monotonic() - started
    SUMMARIES.append(
        f"hostile[{request.node.callspec.id}, sync]: APITimeoutError after {elapsed:.2f} s"
    )
    assert (info.value.idempotency_key, elapsed < POLICY.total_timeout + SLACK) == (
        "k-deadline",
        True,
    )


@pytest.mark.anyio
@pytest.mark.parametrize("server", SLOW, indirect=True)
async def test_async_write_ends_within_its_budget(
    server: str, anyio_backend: str, request: pytest.FixtureRequest
) -> None:
    started = time.monotonic()
    async with _aclient(server) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.refund_order("o-1", 100, idempotency_key="k-deadline")
    elapsed = time.monotonic() - started
    SUMMARIES.append(f"hostile[{request.node.callspec.id}]: APITimeoutError after {elapsed:.2f} s")
    assert (info.value.idempotency_key, elapsed < POLICY.total_timeout + SLACK) == (
        "k-deadline",
        True,
    )


@pytest.mark.parametrize("server", BIG, indirect=True)
def test_sync_big_body_stops_at_the_cap(server: str, request: pytest.FixtureRequest) -> None:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with _client(server) as client, pytest.raises(ResponseTooLargeError) as info:
            client.get_refund("o-1", "r-1")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - started
    SUMMARIES.append(
        f"hostile[{request.node.callspec.id}, sync]: ResponseTooLargeError after {elapsed:.2f} s, "
        f"peak traced memory {peak / 2**20:.2f} MiB"
    )
    err = info.value
    assert (err.status_code, err.limit, err.idempotency_key) == (200, 2**20, None)
    assert peak < 8 * 2**20


# Stopping mid-body leaves httpcore's inner async generators to the garbage collector; under trio
# that warns, although the connection itself is closed by response.aclose().
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.anyio
@pytest.mark.parametrize("server", BIG, indirect=True)
async def test_async_big_body_stops_at_the_cap(
    server: str, anyio_backend: str, request: pytest.FixtureRequest
) -> None:
    tracemalloc.start()
    try:
        async with _aclient(server) as client:
            with pytest.raises(ResponseTooLargeError) as info:
                await client.get_refund("o-1", "r-1")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    SUMMARIES.append(
        f"hostile[{request.node.callspec.id}]: ResponseTooLargeError, "
        f"peak traced memory {peak / 2**20:.2f} MiB"
    )
    assert (info.value.status_code, info.value.limit, peak < 8 * 2**20) == (200, 2**20, True)


@pytest.mark.parametrize("server", ["deep_json"], indirect=True)
def test_deeply_nested_json_is_a_typed_error(server: str) -> None:
    with _client(server) as client, pytest.raises(APIResponseValidationError) as info:
        client.get_refund("o-1", "r-1")
    assert str(info.value) == "200 response could not be read as documented (RecursionError)"
