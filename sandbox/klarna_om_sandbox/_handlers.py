"""One handler per operation of spec/: Klarna's rule it applies, and its answer.

The sandbox routes each operationId of spec/ to ``HANDLERS[operationId]`` (``_app``); it refuses
to start when the spec names an operation without one. A handler gets the order (already found,
else 404 with its ``not_found_code``) and the request body (already valid against spec/), changes
the order and returns the stored response; it never commits (``_app`` does, atomically, with the
idempotency record). Klarna's rule lives in ``_rules`` when it is shared or long; a rule of a few
lines lives in its handler, with ``_rules``' helpers (``new_capture``, ``update_totals``,
``SandboxError``) and ``created`` below for a 201 whose answer is in headers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _rules
from ._rules import SandboxError
from ._store import StoredResponse

if TYPE_CHECKING:
    from ._app import Sandbox


@attrs.frozen
class Handler:
    """How the sandbox serves one operation: the rule it applies, and its 404 code."""

    operate: Callable[[Sandbox, Request, dict[str, Any], Any], StoredResponse]
    not_found_code: str


#: operationId -> its handler; filled by ``@handles`` below, read when the app is built.
HANDLERS: dict[str, Handler] = {}


def handles(
    operation_id: str, *, not_found_code: str = "NO_SUCH_ORDER"
) -> Callable[
    [Callable[[Sandbox, Request, dict[str, Any], Any], StoredResponse]],
    Callable[[Sandbox, Request, dict[str, Any], Any], StoredResponse],
]:
    """Register a ``Sandbox`` method as the handler of ``operation_id``."""

    def register(
        operate: Callable[[Sandbox, Request, dict[str, Any], Any], StoredResponse],
    ) -> Callable[[Sandbox, Request, dict[str, Any], Any], StoredResponse]:
        HANDLERS[operation_id] = Handler(operate, not_found_code)
        return operate

    return register


def error_response(
    status: int, code: str, *messages: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """Klarna's error body with a fresh correlation id."""
    return JSONResponse(
        {"error_code": code, "error_messages": list(messages), "correlation_id": str(uuid.uuid4())},
        status_code=status,
        headers=headers,
    )


def order_not_found(code: str, order_id: str) -> SandboxError:
    text = f"Order {order_id[:61] + '...' if len(order_id) > 64 else order_id} cannot be found"
    return SandboxError(404, code, text)


def stored_response(response: Response) -> StoredResponse:
    headers = [(k, v) for k, v in response.headers.items() if k == "content-type"]
    return StoredResponse(response.status_code, headers, bytes(response.body))


def created(request: Request, path: str, id_header: str, new_id: str) -> StoredResponse:
    """A 201 without a body: ``Location`` (``path`` on this server) and the new id's header."""
    location = str(request.base_url).rstrip("/") + path
    return StoredResponse(201, [("location", location), (id_header, new_id)], b"")


def replay(stored: StoredResponse) -> Response:
    return Response(content=stored.body, status_code=stored.status, headers=dict(stored.headers))


@handles("refundOrder", not_found_code="NOT_FOUND")
def refund_order(
    sandbox: Sandbox, request: Request, order: dict[str, Any], data: Any
) -> StoredResponse:
    record = _rules.refund(order, data, refund_id=sandbox.new_id(), now=sandbox.now())
    refund_id = record["refund_id"]
    path = f"/ordermanagement/v1/orders/{quote(order['order_id'], safe='')}/refunds/{refund_id}"
    return created(request, path, "refund-id", refund_id)


@handles("getRefund", not_found_code="NOT_FOUND")
def get_refund(
    sandbox: Sandbox, request: Request, order: dict[str, Any], data: Any
) -> StoredResponse:
    return stored_response(
        JSONResponse(_rules.find_refund(order, request.path_params["refund_id"]))
    )


@handles("getOrder")
def get_order(
    sandbox: Sandbox, request: Request, order: dict[str, Any], data: Any
) -> StoredResponse:
    return stored_response(JSONResponse(_rules.public_order(order)))


@handles("releaseRemainingAuthorization")
def release(sandbox: Sandbox, request: Request, order: dict[str, Any], data: Any) -> StoredResponse:
    _rules.release(order)
    return StoredResponse(204, [], b"")


@handles("getOptionsForExtendDueDate")
def extend_options(
    sandbox: Sandbox, request: Request, order: dict[str, Any], data: Any
) -> StoredResponse:
    options = _rules.extend_options(order, request.path_params["capture_id"])
    return stored_response(JSONResponse(options))


@handles("extendDueDate")
def extend(sandbox: Sandbox, request: Request, order: dict[str, Any], data: Any) -> StoredResponse:
    _rules.extend(order, request.path_params["capture_id"], data["number_of_days"])
    return StoredResponse(204, [], b"")
