"""How ``SandboxServer`` serves: its listening socket lets asyncio switch Nagle off."""

from __future__ import annotations

import socket

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
