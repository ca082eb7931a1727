"""A loopback HTTP server that misbehaves on purpose: slow bytes, endless or huge bodies.

Bounded: every mode stops after ``MAX_SECONDS`` or when the client goes away; the server stops
with its context manager. Used to prove the client's per-call deadline and size cap.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

MAX_SECONDS = 10.0
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


def _send(sock: socket.socket, data: bytes, stop: threading.Event) -> bool:
    if stop.is_set():
        return False
    try:
        sock.sendall(data)
    except OSError:
        return False
    return True


def _serve(sock: socket.socket, mode: str, stop: threading.Event) -> None:
    ends = time.monotonic() + MAX_SECONDS
    if mode == "slow_headers":  # one byte of a header line every 50 ms
        _send(sock, b"HTTP/1.1 200 OK\r\n", stop)
        while time.monotonic() < ends and _send(sock, b"X", stop):
            time.sleep(0.05)
    elif mode == "slow_body":  # a body of 100 kB declared, one byte every 50 ms
        _send(sock, HEAD + b"Content-Length: 100000\r\n\r\n{", stop)
        while time.monotonic() < ends and _send(sock, b" ", stop):
            time.sleep(0.05)
    elif mode in ("endless_chunks", "slow_chunks"):  # chunked, never ending
        _send(sock, HEAD + b"Transfer-Encoding: chunked\r\n\r\n", stop)
        chunk = b"400\r\n" + b" " * 1024 + b"\r\n"
        while time.monotonic() < ends and _send(sock, chunk, stop):
            if mode == "slow_chunks":
                time.sleep(0.05)
    elif mode == "declared_50mb":  # 50 MB declared and sent
        _send(sock, HEAD + b"Content-Length: 52428800\r\n\r\n", stop)
        block = b" " * 65536
        for _ in range(800):
            if not _send(sock, block, stop):
                break
    elif mode == "deep_json":  # valid-looking JSON nested 100 000 deep
        body = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
        _send(sock, HEAD + b"Content-Length: %d\r\n\r\n" % len(body) + body, stop)


class HostileServer:
    """``with HostileServer(mode) as url:`` serves every request in ``mode`` on 127.0.0.1."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.stop = threading.Event()
        self.requests = 0
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                sock.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        more = sock.recv(65536)
                        if not more:
                            return
                        data += more
                except OSError:
                    return
                outer.requests += 1
                _serve(sock, outer.mode, outer.stop)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @contextmanager
    def running(self) -> Iterator[str]:
        """Serve in a thread; yield the base URL; stop everything on exit."""
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{self.server.server_address[1]}"
        finally:
            self.stop.set()
            self.server.shutdown()
            self.server.server_close()
            thread.join(5)
