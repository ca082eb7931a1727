"""The client against the sandbox on a loopback port (the ``klarna_sandbox`` plugin fixture).

Retries use a recording sleep: no test sleeps for the backoff. The sandbox plays the provider
the ``provider`` fixture names: Klarna, unless a module overrides the fixture (as
tests/e2e/test_operations.py does, over ``PROVIDERS``); as Kustom it is a session server of its
own, reset for each test like the plugin's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from klarna_om import KlarnaOrderManagement, OrderLineInput, RetryPolicy, RetryTransport
from klarna_om_sandbox import SandboxServer
from tests._support.data import TSHIRT
from tests._support.openapi_check import SpecCheckingTransport

ClientFactory = Callable[..., KlarnaOrderManagement]
#: The providers the sandbox plays (spec/'s ``x-klarna-om-providers``).
PROVIDERS = ("klarna", "kustom")


@pytest.fixture
def provider() -> str:
    """The provider the sandbox plays in this test: Klarna unless a module parametrizes it."""
    return "klarna"


@pytest.fixture(scope="session")
def kustom_sandbox_session() -> Iterator[SandboxServer]:
    """The session's sandbox server as Kustom (started the first time a test asks for it)."""
    with SandboxServer(provider="kustom") as server:
        yield server


@pytest.fixture
def klarna_sandbox(request: pytest.FixtureRequest, provider: str) -> SandboxServer:
    """The plugin's ``klarna_sandbox`` as ``provider``: a running sandbox, reset for this test."""
    session = "kustom_sandbox_session" if provider == "kustom" else "klarna_sandbox_session"
    server: SandboxServer = request.getfixturevalue(session)
    server.reset()
    return server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(klarna_sandbox: SandboxServer, sleeps: list[float]) -> Iterator[ClientFactory]:
    made: list[KlarnaOrderManagement] = []

    def make(
        *,
        password: str | None = None,
        username: str | None = None,
        policy: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> KlarnaOrderManagement:
        transport = RetryTransport(
            checked_transport(), policy=policy or RetryPolicy(), sleep=sleeps.append
        )
        client = KlarnaOrderManagement(
            username or klarna_sandbox.username,
            password or klarna_sandbox.password,
            base_url=klarna_sandbox.base_url,
            transport=transport,
            **kwargs,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> KlarnaOrderManagement:
    return make_client()


@pytest.fixture
def raw(klarna_sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """A plain httpx client with the sandbox's credentials, for requests the client refuses."""
    with httpx.Client(
        base_url=klarna_sandbox.base_url,
        auth=(klarna_sandbox.username, klarna_sandbox.password),
        transport=checked_transport(requests=False),
    ) as http:
        yield http


def checked_transport(*, requests: bool = True) -> SpecCheckingTransport:
    """A loopback transport whose responses (and, by default, requests) are checked by spec/."""
    return SpecCheckingTransport(httpx.HTTPTransport(), requests=requests, responses=True)


def async_checked_transport() -> SpecCheckingTransport:
    """The async twin of ``checked_transport``."""
    return SpecCheckingTransport(httpx.AsyncHTTPTransport(), responses=True)


def one_capture_order(sandbox: SandboxServer, *lines: OrderLineInput) -> dict[str, Any]:
    """An order captured in full by one capture of ``lines`` (default: one T-shirt)."""
    lines = lines or (TSHIRT,)
    total = sum(line["total_amount"] for line in lines)
    return sandbox.create_order(
        total, order_lines=lines, captures=[{"captured_amount": total, "order_lines": list(lines)}]
    )
