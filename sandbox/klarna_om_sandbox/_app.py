"""The sandbox's HTTP layer: the operations of spec/, seeding, fault injection and the clock.

Routes come from spec/ (path, method, operationId) and each operation from one handler in
``HANDLERS``; the sandbox refuses to start when the spec names an operation without a handler.

Order of work for each Klarna request: the rate limit when one is set (429), Basic auth (401),
the provider's path formats (404), injected faults, idempotency replay or in-flight 409,
validation against spec/ (400 naming the field), Klarna's rules, then one atomic commit of the
order and the stored response. It must never answer 5xx unless a fault asks it to.

It plays one provider (spec/'s ``x-klarna-om-providers``): as Kustom, the operations Kustom does
not serve (extend-due-date) are not routed, so they answer like an unknown path (404
``NOT_FOUND``), and an ``order_id`` that is not a UUID (``x-klarna-om-provider-schema``) is 404
``NOT_FOUND`` too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from openapi_core.contrib.starlette.requests import StarletteOpenAPIRequest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from . import _rules
from ._answers import (
    authorized,
    bounded,
    check_provider,
    given_id,
    http_exception,
    id_has_format,
    unauthorized,
    unexpected,
)
from ._durations import IDEMPOTENCY_TTL_SECONDS, MAX_SECONDS, check_idempotency_ttl, plain
from ._fastcheck import crosschecking, passes
from ._faults import FAULT_HEADER, FAULT_KINDS, RAW_SEND, Drop, Fault, fault_response
from ._handlers import (
    HANDLERS,
    Handler,
    error_response,
    handles,
    order_not_found,
    replay,
    stored_response,
)
from ._ratelimit import RateLimiter
from ._rules import SandboxError
from ._spec import (
    DEFAULT_PROVIDER,
    describe_error,
    openapi,
    operation_providers,
    provider_path_formats,
    spec_operations,
)
from ._store import Store

__all__ = [  # what the package and the other modules import from here
    "FAULT_HEADER",
    "FAULT_KINDS",
    "HANDLERS",
    "Fault",
    "Handler",
    "Sandbox",
    "error_response",
    "handles",
]

IDEMPOTENCY_HEADER = "Klarna-Idempotency-Key"


class Sandbox:
    """The sandbox's state and rules behind an ASGI app (``.app``).

    Args:
        store: The state.
        credentials: ``{username: password}`` pairs accepted (default: sandbox / sandbox).
        id_factory: Makes refund, order and capture ids.
        idempotency_ttl: Seconds an idempotency key is honoured (default: Klarna's 24 hours);
            an older key is forgotten, and a request with it is served as a new one.
        provider: The provider it plays: ``"klarna"`` (default) or ``"kustom"`` (no
            extend-due-date, UUID order ids).
        rate_limit: Requests per second per merchant and category (``RateLimiter``: Klarna's
            429 and ``X-Ratelimit-*`` headers); None (default) for no limit.
        api_key: An API key also accepted alone, as ``Basic <key>`` (the merchant "api-key");
            with a UUID username it is a password (``credentials``). None (default): none.

    Raises:
        ValueError: An unknown provider, or a rate limit that is not a number above 0.
    """

    def __init__(
        self,
        store: Store,
        *,
        credentials: Mapping[str, str] | None = None,
        id_factory: Callable[[], str] = lambda: str(uuid.uuid4()),
        idempotency_ttl: float = IDEMPOTENCY_TTL_SECONDS,
        provider: str = DEFAULT_PROVIDER,
        rate_limit: float | None = None,
        api_key: str | None = None,
    ) -> None:
        self.provider: str = check_provider(provider)
        self.api_key: str | None = api_key
        self.rate_limit: float | None = rate_limit
        self.idempotency_ttl: float = check_idempotency_ttl(idempotency_ttl)
        self.store = store
        self.credentials: dict[str, str] = dict(credentials or {"sandbox": "sandbox"})
        self.new_id = id_factory
        self.faults: list[Fault] = []
        self.app: ASGIApp = self._build_app()

    # --- helpers used by the routes and by SandboxServer ---

    def now(self) -> str:
        """The store clock's time as ISO 8601 UTC."""
        moment = dt.datetime.fromtimestamp(self.store.now(), dt.UTC)
        return moment.isoformat(timespec="seconds").replace("+00:00", "Z")

    def seed_order(self, seed: Mapping[str, Any]) -> dict[str, Any]:
        """Create an order (see ``_rules.new_order``); return ``{order_id, capture_ids}``.

        ``order_id`` and each capture's ``capture_id`` may be given (for repeatable tests);
        otherwise they are new UUIDs.
        """
        if not isinstance(seed, Mapping):
            raise SandboxError(400, "BAD_VALUE", "Bad value: request body")
        captures = seed.get("captures")
        captures = captures if isinstance(captures, list) else []
        order_id = given_id(seed, "order_id") or self.new_id()
        if not self._id_ok("order_id", order_id):
            raise SandboxError(
                400, "BAD_VALUE", f"Bad value: order_id ({self.provider}'s order ids are UUIDs)"
            )
        capture_ids = [
            (given_id(c, "capture_id") if isinstance(c, Mapping) else None) or self.new_id()
            for c in captures
        ]
        order = _rules.new_order(seed, order_id=order_id, capture_ids=capture_ids, now=self.now())
        with self.store.transaction() as db:
            if self.store.get_order(order_id) is not None:
                raise SandboxError(400, "BAD_VALUE", "Bad value: order_id is taken")
            self.store.put_order(db, order)
        return {
            "order_id": order["order_id"],
            "capture_ids": [c["capture_id"] for c in order["captures"]],
        }

    def add_fault(self, spec: Mapping[str, Any]) -> Fault:
        """Validate and register a fault."""
        operation, kind, count = spec.get("operation"), spec.get("kind"), spec.get("count", 1)
        if operation != "*" and operation not in HANDLERS:
            raise SandboxError(400, "BAD_VALUE", "Bad value: operation")
        if kind not in FAULT_KINDS:
            raise SandboxError(400, "BAD_VALUE", "Bad value: kind")
        fault = Fault(
            operation=str(operation), kind=str(kind), count=bounded(count, "count", 1, 1000)
        )
        if kind == "status":
            fault.status = bounded(spec.get("status"), "status", 400, 599)
            if "retry_after" in spec:
                fault.retry_after = bounded(spec["retry_after"], "retry_after", 0, 3600)
        if kind == "delay_ms":
            fault.delay_ms = bounded(spec.get("delay_ms"), "delay_ms", 0, 30_000)
        self.faults.append(fault)
        return fault

    def take_fault(self, operation: str) -> Fault | None:
        """Use up one count of the first fault for ``operation``."""
        for fault in self.faults:
            if fault.count > 0 and fault.operation in ("*", operation):
                fault.count -= 1
                return fault
        return None

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the clock forward by ``seconds`` (a number, 0 or more); return ``clock()``.

        The clock dates refunds and captures and ages idempotency keys, so a test can let a key
        expire without waiting. Raises ``SandboxError`` (400 ``BAD_VALUE``) on a bad value.
        """
        room = MAX_SECONDS - self.store.advanced_seconds
        # NaN and infinities fail the comparisons; bools (ints to Python) fail the type check.
        if type(seconds) not in (int, float) or not 0 <= seconds <= room:
            raise SandboxError(
                400,
                "BAD_VALUE",
                f"Bad value: advance_seconds must be a number of seconds from 0 to {plain(room)}, "
                f"not {json.dumps(seconds, default=repr)[:40]}",
            )
        self.store.advance(seconds)
        return self.clock()

    def clock(self) -> dict[str, Any]:
        """``{"now": <ISO 8601 UTC>, "advanced_seconds": <total since start or reset>}``."""
        advanced = self.store.advanced_seconds
        return {
            "now": self.now(),
            "advanced_seconds": plain(advanced),
        }

    def reset(self) -> None:
        """Forget every order, idempotency record and fault, and set the clock back (no offset)."""
        self.store.reset()
        self.faults.clear()

    # --- HTTP ---

    def _id_ok(self, name: str, value: str) -> bool:
        """Whether path parameter ``name`` has the format this provider gives it, if any."""
        return id_has_format(provider_path_formats(self.provider).get(name), value)

    def _authorized(self, request: Request) -> str | None:
        return authorized(request.headers.get("authorization", ""), self.credentials, self.api_key)

    def _build_app(self) -> ASGIApp:
        def klarna(operation: str) -> Callable[[Request], Awaitable[Response]]:
            async def endpoint(request: Request) -> Response:
                return await self._klarna(request, operation)

            return endpoint

        def sandbox(
            handler: Callable[[Request, Any], Response],
        ) -> Callable[[Request], Awaitable[Response]]:
            async def endpoint(request: Request) -> Response:
                if self._authorized(request) is None:
                    return unauthorized()
                body = await request.body()
                try:
                    data = json.loads(body) if body else {}
                    return handler(request, data)
                except ValueError:
                    return error_response(400, "BAD_VALUE", "Bad value: request body is not JSON")
                except SandboxError as err:
                    return error_response(err.status, err.error_code, err.message)

            return endpoint

        operations = spec_operations()
        missing = sorted(set(operations) - set(HANDLERS))
        if missing:
            raise RuntimeError(f"spec/ operations without a sandbox handler: {missing}")
        served = operation_providers()
        routes = [  # what the provider does not serve is an unknown path (404 NOT_FOUND)
            Route(path, klarna(operation_id), methods=[method.upper()])
            for operation_id, (method, path) in operations.items()
            if self.provider in served[operation_id]
        ]
        routes += [
            Route("/sandbox/orders", sandbox(self._seed), methods=["POST"]),
            Route("/sandbox/reset", sandbox(self._reset), methods=["POST"]),
            Route("/sandbox/faults", sandbox(self._faults), methods=["GET", "POST"]),
            Route("/sandbox/clock", sandbox(self._clock), methods=["GET", "POST"]),
        ]
        app = Starlette(
            routes=routes,
            exception_handlers={HTTPException: http_exception, Exception: unexpected},
        )

        async def outer(scope: Scope, receive: Receive, send: Send) -> None:
            scope[RAW_SEND] = send  # what _Drop needs to close the connection
            await app(scope, receive, send)

        if self.rate_limit is None:
            return outer
        return RateLimiter(outer, rate=self.rate_limit)

    def _seed(self, request: Request, data: Any) -> Response:
        return JSONResponse(self.seed_order(data), status_code=201)

    def _reset(self, request: Request, data: Any) -> Response:
        self.reset()
        return Response(status_code=204)

    def _faults(self, request: Request, data: Any) -> Response:
        if request.method == "POST":
            if not isinstance(data, dict):
                raise SandboxError(400, "BAD_VALUE", "Bad value: request body")
            self.add_fault(data)
        listed = [f.to_dict() for f in self.faults if f.count > 0]
        return JSONResponse(
            {"faults": listed}, status_code=201 if request.method == "POST" else 200
        )

    def _clock(self, request: Request, data: Any) -> Response:
        if request.method == "POST":
            if not isinstance(data, dict):
                raise SandboxError(400, "BAD_VALUE", "Bad value: request body must be an object")
            unknown = sorted(set(data) - {"advance_seconds"})
            if unknown:
                name = unknown[0] if len(unknown[0]) <= 64 else unknown[0][:61] + "..."
                raise SandboxError(400, "BAD_VALUE", f"Bad value: unknown field {name!r}")
            if "advance_seconds" not in data:
                raise SandboxError(400, "BAD_VALUE", "Bad value: advance_seconds is required")
            return JSONResponse(self.advance_clock(data["advance_seconds"]))
        return JSONResponse(self.clock())

    async def _klarna(self, request: Request, operation: str) -> Response:
        user = self._authorized(request)
        if user is None:
            return unauthorized()
        for name, value in request.path_params.items():
            if not self._id_ok(name, value):
                return error_response(404, "NOT_FOUND", f"{name.split('_')[0].title()} not found")
        fault = self.take_fault(operation)
        if fault is not None and fault.kind in ("status", "html_502", "drop_before_commit"):
            return fault_response(fault)
        body = await request.body()
        key = request.headers.get(IDEMPOTENCY_HEADER) if request.method != "GET" else None
        if key is not None:
            claim = self.store.claim(user, key, self.idempotency_ttl)
            if claim.state == "in_flight":
                return error_response(
                    409,
                    "CONFLICT",
                    "A request with this Klarna-Idempotency-Key is still being processed.",
                )
            if claim.response is not None:
                return replay(claim.response)
        completed = False
        try:
            if fault is not None and fault.kind == "delay_ms":
                await asyncio.sleep((fault.delay_ms or 0) / 1000)
            data = await self._validated(request, body, operation)
            response, completed = self._apply(request, operation, data, user, key)
        except SandboxError as err:
            response = error_response(err.status, err.error_code, err.message)
        finally:
            if key is not None and not completed:
                self.store.release(user, key)
        if fault is not None and fault.kind == "drop_after_commit":
            return Drop()
        return response

    async def _validated(self, request: Request, body: bytes, operation: str) -> Any:
        data = None
        if body:
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                raise SandboxError(
                    400, "BAD_VALUE", "Bad value: request body is not valid JSON"
                ) from None
        fast = passes(operation, request.headers.get("content-type"), body, data)
        if fast and not crosschecking():
            return data
        result = openapi().unmarshal_request(StarletteOpenAPIRequest(request, body or None))
        if fast and result.errors:  # the fast path let through what openapi-core refuses
            raise AssertionError(f"fast request check disagrees with openapi-core: {operation}")
        if result.errors:
            raise SandboxError(400, "BAD_VALUE", describe_error(next(iter(result.errors))))
        return data

    def _apply(
        self, request: Request, operation: str, data: Any, user: str, key: str | None
    ) -> tuple[Response, bool]:
        """Run the rules and commit the order with the stored response in one transaction."""
        order_id = request.path_params["order_id"]
        with self.store.transaction() as db:
            order = self.store.get_order(order_id)
            try:
                handler = HANDLERS[operation]
                if order is None:
                    raise order_not_found(handler.not_found_code, order_id)
                stored = handler.operate(self, request, order, data)
            except SandboxError as err:
                if err.status not in (403, 404) or key is None:
                    raise
                # A business refusal is an outcome: replayed for the same key, like a success.
                stored = stored_response(error_response(err.status, err.error_code, err.message))
            else:
                if request.method != "GET":
                    assert order is not None
                    self.store.put_order(db, order)
            if key is not None:
                self.store.complete(db, user, key, stored)
        return replay(stored), key is not None
