"""Injected faults: what the sandbox does instead of (or after) serving a request.

A ``Fault`` applies to the next ``count`` requests of an operation ("*" for any): an error status
(with ``Retry-After``), an HTML 502, a delay, or a connection dropped before or after the commit.
A response made by a fault carries ``FAULT_HEADER``: it may break the spec on purpose.
"""

from __future__ import annotations

import asyncio
from typing import Any

import attrs
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send

from ._handlers import error_response

FAULT_KINDS = ("drop_after_commit", "drop_before_commit", "status", "delay_ms", "html_502")
RAW_SEND = "klarna_om_sandbox.raw_send"
#: Marks a response made by an injected fault (it may break the spec on purpose).
FAULT_HEADER = "Klarna-Om-Sandbox-Fault"


@attrs.define
class Fault:
    """An injected failure for the next ``count`` requests of ``operation`` ("*" for any)."""

    operation: str
    kind: str
    count: int
    status: int | None = None
    retry_after: int | None = None
    delay_ms: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fault as JSON data, without unset options."""
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}


class Drop(Response):
    """Closes the connection without sending a response (a lost response, as a client sees it)."""

    def __init__(self) -> None:
        super().__init__(status_code=599)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_send = scope.get(RAW_SEND)
        transport = getattr(getattr(raw_send, "__self__", None), "transport", None)
        if transport is None:  # not under uvicorn (e.g. an in-process ASGI client)
            raise ConnectionAbortedError("sandbox fault: connection dropped")
        transport.abort()
        for _ in range(3):  # let uvicorn see the connection as lost before the app returns
            await asyncio.sleep(0)


def fault_response(fault: Fault) -> Response:
    if fault.kind == "html_502":
        return HTMLResponse(
            "<html><head><title>502 Bad Gateway</title></head><body>"
            "<h1>502 Bad Gateway</h1></body></html>",
            status_code=502,
            headers={FAULT_HEADER: fault.kind},
        )
    if fault.kind == "drop_before_commit":
        return Drop()
    status = fault.status or 503
    headers = {FAULT_HEADER: fault.kind}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    codes = {
        429: "TOO_MANY_REQUESTS",
        500: "INTERNAL_SERVER_ERROR",
        503: "TEMPORARILY_UNAVAILABLE",
        502: "TEMPORARILY_UNAVAILABLE",
        504: "TEMPORARILY_UNAVAILABLE",
        409: "CONFLICT",
    }
    return error_response(
        status, codes.get(status, "SANDBOX_FAULT"), "Injected by the sandbox.", headers=headers
    )
