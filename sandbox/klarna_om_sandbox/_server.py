"""Runs the sandbox under uvicorn in a background thread (tests, the demo) or for the CLI."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import uvicorn

from ._answers import check_provider
from ._app import Fault, Sandbox
from ._durations import IDEMPOTENCY_TTL_SECONDS, check_idempotency_ttl
from ._ratelimit import check_rate
from ._rules import SandboxError, public_order
from ._store import Store


def build_sandbox(
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
) -> Sandbox:
    """A sandbox over an in-memory store, or over the SQLite file ``db``.

    ``idempotency_ttl``: seconds a key is honoured (default 24 hours); raises ValueError unless
    it is above 0 (and at most 100 years). ``provider``: ``"klarna"`` or ``"kustom"`` (no
    extend-due-date, UUID order ids). ``rate_limit``: requests per second per merchant and
    category, answered over it with Klarna's 429 (default None: no limit). A bad value of either
    raises ValueError. ``api_key``: a key accepted alone, as ``Basic <key>`` (default None).
    """
    # Checked before the database is opened.
    check_idempotency_ttl(idempotency_ttl)
    check_provider(provider)
    if rate_limit is not None:
        check_rate(rate_limit)
    credentials = {**(extra_credentials or {}), username: password}
    return Sandbox(
        Store(db, clock=clock),
        credentials=credentials,
        idempotency_ttl=idempotency_ttl,
        provider=provider,
        rate_limit=rate_limit,
        api_key=api_key,
    )


class SandboxServer:
    """The sandbox on a free loopback port, in a thread: ``with SandboxServer() as sb: ...``.

    Args:
        host: Address to bind.
        port: Port (0: a free one).
        db: SQLite file that keeps the state (default: in memory).
        username: Basic auth username clients must send.
        password: Basic auth password clients must send.
        clock: Seconds since the epoch (injected by tests); ``advance_clock`` moves it forward.
        extra_credentials: More ``{username: password}`` pairs accepted.
        idempotency_ttl: Seconds an idempotency key is honoured (default: Klarna's 24 hours);
            an older key is forgotten and a request with it is served as a new one.
        tls_certfile: Serve https with this PEM certificate chain (with ``tls_keyfile``).
        tls_keyfile: The certificate's PEM private key.
        tls_client_ca: Require client certificates (mTLS) signed by this PEM CA bundle.
        provider: The provider it plays: ``"klarna"`` (default) or ``"kustom"`` (the
            extend-due-date operations are unknown paths, order ids are UUIDs).
        rate_limit: Requests per second per merchant (Klarna's 429 with ``X-Ratelimit-*``
            headers beyond it); None (default): no limit.
        api_key: An API key clients may send alone, as Klarna takes it: ``Authorization:
            Basic <key>`` (e.g. ``"klarna_test_api_sandbox"``); None (default): none. A key with
            the portal's UUID username is a password: ``extra_credentials={uuid: key}``.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        db: str | None = None,
        username: str = "sandbox",
        password: str = "sandbox",  # noqa: S107 (the sandbox's documented default)
        clock: Callable[[], float] = time.time,
        extra_credentials: Mapping[str, str] | None = None,
        idempotency_ttl: float = IDEMPOTENCY_TTL_SECONDS,
        tls_certfile: str | None = None,
        tls_keyfile: str | None = None,
        tls_client_ca: str | None = None,
        provider: str = "klarna",
        rate_limit: float | None = None,
        api_key: str | None = None,
    ) -> None:
        if (tls_certfile is None) != (tls_keyfile is None) or (tls_client_ca and not tls_certfile):
            raise ValueError("TLS needs tls_certfile and tls_keyfile (and then tls_client_ca)")
        self._tls = (tls_certfile, tls_keyfile, tls_client_ca)
        self.sandbox: Sandbox = build_sandbox(
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
        self.provider: str = provider
        self.api_key: str | None = api_key
        self.username = username
        self.password = password
        self._host, self._port = host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url: str = ""

    def start(self) -> Self:
        """Bind, start serving in a daemon thread and wait until the server accepts requests."""
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and
        # without it every answer with a body waits ~40 ms for the client's delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        host, port = sock.getsockname()[:2]
        certfile, keyfile, client_ca = self._tls
        self.base_url = f"{'https' if certfile else 'http'}://{host}:{port}"
        config = uvicorn.Config(
            self.sandbox.app,
            log_level="warning",
            lifespan="off",
            access_log=False,
            ssl_certfile=certfile,
            ssl_keyfile=keyfile,
            ssl_ca_certs=client_ca,
            ssl_cert_reqs=ssl.CERT_REQUIRED if client_ca else ssl.CERT_NONE,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name="klarna-om-sandbox",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stop serving and close the store."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = self._thread = None
        self.sandbox.store.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def create_order(
        self,
        order_amount: int,
        *,
        purchase_currency: str = "EUR",
        order_lines: Sequence[Mapping[str, Any]] = (),
        captures: Sequence[Mapping[str, Any]] = (),
        cancelled: bool = False,
        order_id: str | None = None,
    ) -> dict[str, Any]:
        """Seed an order (captures: ``[{captured_amount, order_lines, capture_id?}]``).

        Returns ``{"order_id": ..., "capture_ids": [...]}``; raises ``SandboxError`` on a bad seed.
        """
        return self.sandbox.seed_order(
            {
                "order_amount": order_amount,
                "purchase_currency": purchase_currency,
                "order_lines": list(order_lines),
                "captures": [dict(c) for c in captures],
                "cancelled": cancelled,
                "order_id": order_id,
            }
        )

    def get_order(self, order_id: str) -> dict[str, Any]:
        """The order as Klarna's getOrder shows it."""
        order = self.sandbox.store.get_order(order_id)
        if order is None:
            raise SandboxError(404, "NO_SUCH_ORDER", "no such order")
        return public_order(order)

    def add_fault(self, operation: str, kind: str, count: int = 1, **options: int) -> Fault:
        """Inject a fault (see ``POST /sandbox/faults``)."""
        return self.sandbox.add_fault(
            {"operation": operation, "kind": kind, "count": count, **options}
        )

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the clock forward (see ``POST /sandbox/clock``); return the new ``clock()``.

        The clock dates refunds and captures and ages idempotency keys: advancing it past
        ``idempotency_ttl`` lets a key expire. Raises ``SandboxError`` unless ``seconds`` is a
        number of 0 or more (and the total stays within 100 years).
        """
        return self.sandbox.advance_clock(seconds)

    def clock(self) -> dict[str, Any]:
        """``{"now": "<ISO 8601 UTC>", "advanced_seconds": <total>}`` (``GET /sandbox/clock``)."""
        return self.sandbox.clock()

    def reset(self) -> None:
        """Forget every order, idempotency record and fault, and set the clock back (no offset)."""
        self.sandbox.reset()
