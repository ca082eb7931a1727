"""A small HTTP forward proxy on loopback, for plain-http targets (the README's proxy snippet).

One request per connection: it reads the request in absolute form, sends it to the target in
origin form with ``Connection: close``, and relays the answer until the target closes. It
records every URL it forwarded; a target that closes without answering is relayed as such.
"""

from __future__ import annotations

import io
import socket
import socketserver
import threading
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit


class ForwardProxy:
    """``with ForwardProxy() as proxy: httpx.HTTPTransport(proxy=proxy.url)``."""

    def __init__(self) -> None:
        self.forwarded: list[str] = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                outer._relay(self.rfile, self.connection)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _relay(self, reader: io.BufferedIOBase, client: socket.socket) -> None:
        line = reader.readline(65536).decode("latin-1")
        if not line.strip():
            return
        method, target, _version = line.split()
        headers: list[tuple[str, str]] = []
        length = 0
        while (raw := reader.readline(65536).decode("latin-1")) not in ("\r\n", "\n", ""):
            name, _, value = raw.partition(":")
            if name.lower().startswith("proxy-") or name.lower() == "connection":
                continue
            if name.lower() == "content-length":
                length = int(value.strip())
            headers.append((name, value.strip()))
        body = reader.read(length) if length else b""
        url = urlsplit(target)
        self.forwarded.append(f"{method} {target}")
        path = url.path + (f"?{url.query}" if url.query else "")
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers)
        with socket.create_connection((url.hostname, url.port or 80), timeout=10) as upstream:
            upstream.sendall(head.encode("latin-1") + b"Connection: close\r\n\r\n" + body)
            while chunk := upstream.recv(65536):
                client.sendall(chunk)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
