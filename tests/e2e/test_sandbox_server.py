"""How ``SandboxServer`` serves: its listening socket lets asyncio switch Nagle off."""

from __future__ import annotations

import socket

import httpx
import pytest

from klarna_om_sandbox import SandboxServer


def test_answers_are_not_held_back_by_nagle(klarna_sandbox: SandboxServer) -> None:
    # asyncio sets TCP_NODELAY on accepted sockets only when the listener says IPPROTO_TCP;
    # with proto 0 every answer with a body waited ~40 ms for the client's delayed ACK.
    server = klarna_sandbox._server
    assert server is not None
    (listener,) = [s for asyncio_server in server.servers for s in asyncio_server.sockets]
    assert (listener.family, listener.type, listener.proto) == (
        socket.AF_INET,
        socket.SOCK_STREAM,
        socket.IPPROTO_TCP,
    )


def test_the_fast_check_never_passes_what_openapi_core_refuses(
    klarna_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = klarna_sandbox.create_order(10000, captures=[{"captured_amount": 10000}])
    url = f"{klarna_sandbox.base_url}/ordermanagement/v1/orders/{order['order_id']}/refunds"
    auth = (klarna_sandbox.username, klarna_sandbox.password)
    refused = httpx.post(url, json={"refunded_amount": "x"}, auth=auth)
    assert (refused.status_code, refused.json()["error_messages"]) == (
        400,
        ["Bad value: refunded_amount"],
    )
    # A fast path that wrongly passes everything is caught by the cross-check the tests run.
    monkeypatch.setattr("klarna_om_sandbox._app.passes", lambda *args: True)
    caught = httpx.post(url, json={"refunded_amount": "x"}, auth=auth)
    assert caught.status_code == 500
    assert klarna_sandbox.get_order(order["order_id"])["refunds"] == []
