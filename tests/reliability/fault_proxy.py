"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1, with its own seeded fault plan.

Threads and blocking sockets. Towards the client, connections are kept alive until a fault or
either side closes them; towards the upstream, each request gets a fresh connection and is sent
with ``Connection: close``. Only Content-Length bodies are understood (httpx and the sandbox send
no chunked messages): enough HTTP to act per request and response.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

#: Every fault the proxy can inject.
FAULT_KINDS: tuple[str, ...] = (
    "drop_after_commit",
    "drop_before_forward",
    "status_502_html",
    "status_503",
    "stall_after_commit",
    "cut_body",
    "reset",
    "slow_bytes",
)
_HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"upgrade",
        b"transfer-encoding",
        b"content-length",
    }
)
_POLL_SECONDS = 0.05  # how often blocked reads look at the stop flag
_IO_SECONDS = 5.0  # upstream reads and all writes
_MAX_HEAD = 64 * 1024
_HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>fault-proxy</center></body></html>"
)


class ProxyProtocolError(Exception):
    """A message this proxy does not understand (e.g. a chunked body)."""


class _Closed(Exception):
    """The peer closed the connection mid-message, or the proxy is stopping."""


@dataclass(frozen=True)
class FaultPlan:
    """The share of requests that get a fault (drawn uniformly over ``kinds``) and its timings."""

    rate: float = 0.3
    kinds: tuple[str, ...] = FAULT_KINDS
    stall_seconds: float = 0.6
    slow_chunk_bytes: int = 16
    slow_pause_seconds: float = 0.002

    def __post_init__(self) -> None:
        unknown = sorted(set(self.kinds) - set(FAULT_KINDS))
        if unknown or not self.kinds or not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"bad fault plan: rate={self.rate}, unknown kinds {unknown}")


@dataclass(frozen=True)
class _Message:
    start_line: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def encode(self, *extra: tuple[bytes, bytes], content_length: bool = True) -> bytes:
        """Start line and end-to-end headers, then ``extra`` and Content-Length; then the body."""
        kept = [(k, v) for k, v in self.headers if k.lower() not in _HOP_BY_HOP]
        kept.extend(extra)
        if content_length:
            kept.append((b"content-length", str(len(self.body)).encode()))
        lines = [self.start_line, *(k + b": " + v for k, v in kept)]
        return b"\r\n".join(lines) + b"\r\n\r\n" + self.body


class _Reader:
    """Buffered reads from a socket; with ``stop``, a timed-out read polls it and goes on."""

    def __init__(self, sock: socket.socket, stop: threading.Event | None) -> None:
        self._sock = sock
        self._stop = stop
        self._buffer = b""

    def _more(self) -> bool:
        while True:
            if self._stop is not None and self._stop.is_set():
                raise _Closed
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                if self._stop is None:
                    raise
                continue
            if not chunk:
                return False
            self._buffer += chunk
            return True

    def head(self) -> tuple[bytes, list[tuple[bytes, bytes]]] | None:
        """The start line and headers; None on a clean end of stream before a new message."""
        while b"\r\n\r\n" not in self._buffer:
            if len(self._buffer) > _MAX_HEAD:
                raise ProxyProtocolError("message head too long")
            if not self._more():
                if self._buffer:
                    raise _Closed
                return None
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        start_line, *lines = head.split(b"\r\n")
        headers = []
        for line in lines:
            name, sep, value = line.partition(b":")
            if not sep:
                raise ProxyProtocolError(f"bad header line {line!r}")
            headers.append((name.strip(), value.strip()))
        return start_line, headers

    def exactly(self, size: int) -> bytes:
        while len(self._buffer) < size:
            if not self._more():
                raise _Closed
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def to_end(self) -> bytes:
        while self._more():
            pass
        data, self._buffer = self._buffer, b""
        return data

    def message(self, *, response_to: bytes | None = None) -> _Message | None:
        """A request, or (``response_to`` its request's method) a response; None on end."""
        parsed = self.head()
        if parsed is None:
            return None
        start_line, headers = parsed
        message = _Message(start_line, headers, b"")
        if (message.header(b"transfer-encoding") or b"identity").lower() != b"identity":
            raise ProxyProtocolError("only Content-Length bodies are supported")
        length = message.header(b"content-length")
        if response_to is not None:
            status = int(start_line.split(b" ", 2)[1])
            if response_to == b"HEAD" or status < 200 or status in (204, 304):
                return message
            if length is None:  # the upstream connection is ours alone: read until it closes
                return _Message(start_line, headers, self.to_end())
        return _Message(start_line, headers, self.exactly(int(length or b"0")))


def _bodiless(response: _Message) -> bool:
    status = int(response.start_line.split(b" ", 2)[1])
    return status < 200 or status in (204, 304)


class FaultProxy:
    """``with FaultProxy(upstream_base_url, seed=1) as proxy:`` then send requests to ``proxy.url``.

    Each request draws a fault from ``random.Random(seed)`` by ``plan``. ``attempts`` counts the
    requests seen (by method), ``faults`` the faults injected (by kind, zeros included),
    ``variants`` their details (``reset:before``, ``cut_body:head``, ``POST:slow_bytes`` ...),
    ``errors`` anything unexpected inside the proxy (a test should find it empty).
    """

    def __init__(self, upstream_url: str, *, seed: int, plan: FaultPlan | None = None) -> None:
        parts = urlsplit(upstream_url)
        if parts.scheme != "http" or parts.hostname != "127.0.0.1" or parts.port is None:
            raise ValueError("the upstream must be http://127.0.0.1:<port>")
        self._upstream = (parts.hostname, parts.port)
        self.plan = plan or FaultPlan()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self.attempts: Counter[str] = Counter()
        self.faults: Counter[str] = Counter(dict.fromkeys(self.plan.kinds, 0))
        self.variants: Counter[str] = Counter()
        self.errors: list[str] = []
        self.log: list[tuple[str, str, str]] = []  # (method, path, fault or "") per request
        self.url = ""

    @property
    def total_attempts(self) -> int:
        """Requests seen, whatever happened to them."""
        return sum(self.attempts.values())

    def start(self) -> Self:
        """Listen on a free loopback port and accept in a daemon thread."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listener.settimeout(_POLL_SECONDS)
        self._listener = listener
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        self._spawn(self._accept_loop, listener)
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Stop accepting, end every connection and join every thread within ``timeout``."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        joined = 0
        while True:  # the accept loop comes first; once it has ended, no thread is added
            with self._lock:
                if joined == len(self._threads):
                    break
                thread = self._threads[joined]
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                self._error(f"{thread.name} still running after {timeout} s")
            joined += 1
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- internals ---

    def _spawn(self, target: Callable[[socket.socket], None], sock: socket.socket) -> None:
        with self._lock:
            thread = threading.Thread(
                target=target,
                args=(sock,),
                name=f"fault-proxy-{len(self._threads)}",
                daemon=True,
            )
            self._threads.append(thread)
        thread.start()

    def _error(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError as exc:
                self._error(f"accept: {exc!r}")
                return
            conn.settimeout(_POLL_SECONDS)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        try:
            reader = _Reader(conn, self._stop)
            while (request := reader.message()) is not None:
                if not self._answer(conn, request):
                    return
        except _Closed:
            pass
        except OSError as exc:  # the client went away, e.g. after its own timeout
            with self._lock:
                self.variants[f"client_gone:{type(exc).__name__}"] += 1
        except Exception as exc:
            self._error(f"serve: {exc!r}")
        finally:
            conn.close()

    def _draw(self, method: str, path: str) -> tuple[str | None, str, int]:
        """The fault (or None), its variant and the request's number, counted under the lock."""
        with self._lock:
            self.attempts[method] += 1
            number = len(self.log)
            if self._rng.random() >= self.plan.rate:
                self.log.append((method, path, ""))
                return None, "", number
            kind = self._rng.choice(self.plan.kinds)
            variant = self._rng.choice(("before", "after")) if kind == "reset" else ""
            self.faults[kind] += 1
            self.variants[f"{method}:{kind}"] += 1
            if variant:
                self.variants[f"{kind}:{variant}"] += 1
            self.log.append((method, path, f"{kind}:{variant}" if variant else kind))
            return kind, variant, number

    def _answer(self, conn: socket.socket, request: _Message) -> bool:
        """Answer one request, with its fault if it drew one; False when the connection ended."""
        method, path, _ = request.start_line.split(b" ", 2)
        kind, variant, number = self._draw(method.decode("ascii"), path.decode("ascii"))
        if kind == "drop_before_forward":
            return False
        if kind == "reset" and variant == "before":
            _reset(conn)
            return False
        if kind == "status_502_html":
            page = _Message(
                b"HTTP/1.1 502 Bad Gateway", [(b"content-type", b"text/html")], _HTML_502
            )
            _send(conn, page.encode())
            return True
        if kind == "status_503":
            error = {
                "error_code": "TEMPORARILY_UNAVAILABLE",
                "error_messages": ["Service temporarily unavailable (injected by fault-proxy)."],
                "correlation_id": f"fault-proxy-{number}",
            }
            headers = [(b"content-type", b"application/json")]
            body = json.dumps(error).encode()
            _send(conn, _Message(b"HTTP/1.1 503 Service Unavailable", headers, body).encode())
            return True
        response = self._forward(request, method)
        data = response.encode(content_length=not _bodiless(response))
        if kind is None:
            _send(conn, data)
            return True
        if kind == "slow_bytes":
            step = self.plan.slow_chunk_bytes
            for start in range(0, len(data), step):
                _send(conn, data[start : start + step])
                self._stop.wait(self.plan.slow_pause_seconds)
            return True
        if kind == "stall_after_commit":
            self._stop.wait(self.plan.stall_seconds)
        elif kind == "cut_body":
            head_size = len(data) - len(response.body)
            cut_at = head_size + len(response.body) // 2 if response.body else head_size // 2
            with self._lock:
                self.variants["cut_body:body" if response.body else "cut_body:head"] += 1
            _send(conn, data[:cut_at])
        elif kind == "reset":
            _reset(conn)
        return False  # drop_after_commit, stall_after_commit, cut_body, reset after forwarding

    def _forward(self, request: _Message, method: bytes) -> _Message:
        has_length = request.header(b"content-length") is not None
        try:
            with socket.create_connection(self._upstream, timeout=_IO_SECONDS) as upstream:
                upstream.sendall(
                    request.encode((b"connection", b"close"), content_length=has_length)
                )
                response = _Reader(upstream, None).message(response_to=method)
        except (OSError, _Closed) as exc:  # not the client's doing: an error of this test rig
            raise ProxyProtocolError(f"upstream: {exc!r}") from exc
        if response is None:
            raise ProxyProtocolError("the upstream closed without a response")
        return response


def _send(conn: socket.socket, data: bytes) -> None:
    conn.settimeout(_IO_SECONDS)
    try:
        conn.sendall(data)
    finally:
        conn.settimeout(_POLL_SECONDS)


def _reset(conn: socket.socket) -> None:
    """Close with an RST instead of a FIN: SO_LINGER on with a zero timeout."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
