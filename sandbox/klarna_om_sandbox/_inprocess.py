"""The sandbox without a port or a thread of its own: its ASGI app behind httpx transports.

``InProcessSandbox`` is the same sandbox as ``SandboxServer`` (the app of ``build_sandbox``, the
same seeding and control methods) served through ``httpx.ASGITransport``. The sync transport runs
that async transport on a private event loop thread. Both map what a socket would show: a
dropped connection raises ``httpx.RemoteProtocolError``, an answer slower than the read timeout
``httpx.ReadTimeout``, so clients see the faults exactly as they do over a port.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Self, TypedDict, TypeVar

import httpx

from ._durations import IDEMPOTENCY_TTL_SECONDS
from ._server import SandboxServer

#: The base URL clients use with the in-process transports (any loopback URL would do: the
#: transports never open a socket; the client accepts plain http for loopback hosts only).
INPROCESS_BASE_URL = "http://localhost"

_T = TypeVar("_T")


class ClientOptions(TypedDict):
    """Keyword arguments for ``KlarnaOrderManagement(**options)``: credentials and transport."""

    username: str
    password: str
    base_url: str
    transport: httpx.BaseTransport


class AsyncClientOptions(TypedDict):
    """Keyword arguments for ``AsyncKlarnaOrderManagement(**options)``."""

    username: str
    password: str
    base_url: str
    transport: httpx.AsyncBaseTransport


class InProcessAsyncTransport(httpx.AsyncBaseTransport):
    """An async httpx transport that hands each request to the sandbox's ASGI app.

    Runs on the caller's asyncio event loop. A fault that drops the connection raises
    ``httpx.RemoteProtocolError``; an answer slower than the request's read timeout raises
    ``httpx.ReadTimeout``, as over a socket.
    """

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` to the app; return its response, read in full."""
        body = await request.aread()
        inner = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=body,
            extensions=request.extensions,
        )
        read_timeout = (request.extensions.get("timeout") or {}).get("read")
        try:
            response = await asyncio.wait_for(self._asgi.handle_async_request(inner), read_timeout)
            content = await response.aread()
        except TimeoutError:
            raise httpx.ReadTimeout("the sandbox did not answer in time", request=request) from None
        except ConnectionAbortedError:
            # What httpx says when a server closes the connection without an answer.
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=content,
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )


class InProcessTransport(httpx.BaseTransport):
    """A sync httpx transport over ``InProcessAsyncTransport``, on a private event loop thread.

    The thread starts with the first request and stops at ``close()``. Safe to use from several
    threads at once.
    """

    def __init__(self, app: Any) -> None:
        self._inner = InProcessAsyncTransport(app)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` to the app from the loop thread; wait for the answer."""
        request.read()
        return self._run(self._inner.handle_async_request(request))

    def close(self) -> None:
        """Stop the loop thread (a later request starts a new one)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()

    def _run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._running_loop())
        try:
            return future.result()
        except concurrent.futures.CancelledError:  # the loop was stopped by close()
            raise httpx.RemoteProtocolError("the in-process sandbox was closed") from None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="klarna-om-sandbox-inprocess", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop


class InProcessSandbox(SandboxServer):
    """The sandbox served in-process: no port, no server thread, no subprocess.

    The same sandbox as ``SandboxServer`` (its seeding and control methods: ``create_order``,
    ``get_order``, ``add_fault``, ``advance_clock``, ``clock``, ``reset``), reached through the
    transports it makes::

        with InProcessSandbox() as sandbox:
            order = sandbox.create_order(10000, captures=[{"captured_amount": 10000}])
            with KlarnaOrderManagement(**sandbox.client_options()) as klarna:
                klarna.refund_order(order["order_id"], 2500)

    Args:
        db: SQLite file that keeps the state (default: in memory).
        username: Basic auth username clients must send.
        password: Basic auth password clients must send.
        clock: Seconds since the epoch (injected by tests); ``advance_clock`` moves it forward.
        extra_credentials: More ``{username: password}`` pairs accepted.
        idempotency_ttl: Seconds an idempotency key is honoured (default: Klarna's 24 hours).
        provider: The provider played, ``klarna`` or ``kustom`` (as ``SandboxServer``).
        rate_limit: Requests per second per merchant, else no limit (as ``SandboxServer``).
        api_key: An API key accepted as ``Basic <key>`` (as ``SandboxServer``).
    """

    def __init__(
        self,
        *,
        db: str | None = None,
        username: str = "sandbox",
        password: str = "sandbox",  # noqa: S107 (the sandbox's documented default)
        clock: Callable[[], float] = time.time,
        extra_credentials: Mapping[str, str] | None = None,
        idempotency_ttl: float = IDEMPOTENCY_TTL_SECONDS,
        provider: str = "klarna",
        rate_limit: float | None = None,
        api_key: str | None = None,
    ) -> None:
        super().__init__(
            db=db,
            username=username,
            password=password,
            clock=clock,
            extra_credentials=extra_credentials,
            idempotency_ttl=idempotency_ttl,
            provider=provider,
            rate_limit=rate_limit,
            api_key=api_key,
        )
        self.base_url = INPROCESS_BASE_URL
        self._transports: list[InProcessTransport] = []

    def start(self) -> Self:
        """Nothing to start: the transports serve requests as they come."""
        return self

    def stop(self) -> None:
        """Stop the sync transports' loop threads and close the store."""
        for transport in self._transports:
            transport.close()
        self.sandbox.store.close()

    def transport(self) -> InProcessTransport:
        """A sync transport to the sandbox (``KlarnaOrderManagement(transport=...)``)."""
        made = InProcessTransport(self.sandbox.app)
        self._transports.append(made)
        return made

    def async_transport(self) -> InProcessAsyncTransport:
        """An async transport to the sandbox (``AsyncKlarnaOrderManagement(transport=...)``)."""
        return InProcessAsyncTransport(self.sandbox.app)

    def client_options(self) -> ClientOptions:
        """Credentials, base URL and a sync transport: ``KlarnaOrderManagement(**options)``."""
        return ClientOptions(
            username=self.username,
            password=self.password,
            base_url=self.base_url,
            transport=self.transport(),
        )

    def async_client_options(self) -> AsyncClientOptions:
        """The same for ``AsyncKlarnaOrderManagement(**options)``."""
        return AsyncClientOptions(
            username=self.username,
            password=self.password,
            base_url=self.base_url,
            transport=self.async_transport(),
        )
