"""A minimal ASGI server answering every operation with a fixed answer, for bench/perf.py.

It prints its URL on the first line of stdout, counts the requests it answers (``GET /__count``)
and does nothing else, so that what is measured is the client.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn

LINE = {"name": "T-Shirt", "quantity": 1, "unit_price": 100, "total_amount": 100}
REFUND = json.dumps({"refund_id": "r-1", "refunded_amount": 100, "order_lines": [LINE]}).encode()
ORDER = json.dumps(
    {
        "order_id": "o-1",
        "status": "CAPTURED",
        "purchase_currency": "EUR",
        "order_amount": 100,
        "captured_amount": 100,
        "refunded_amount": 0,
        "order_lines": [LINE],
    }
).encode()
OPTIONS = json.dumps({"currency": "EUR", "options": [{"number_of_days": 10, "amount": 195}]})
JSON = [(b"content-type", b"application/json")]
COUNT = [0]

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """Answer as Klarna would, without checking anything."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    path, method = scope["path"], scope["method"]
    headers: list[tuple[bytes, bytes]] = []
    body = b""
    status = 204
    if path == "/__count":
        status, body = 200, str(COUNT[0]).encode()
    else:
        COUNT[0] += 1
        if method == "POST" and path.endswith("/refunds"):
            status = 201
            headers = [(b"refund-id", b"r-1"), (b"location", f"{path}/r-1".encode())]
        elif "/refunds/" in path:
            status, headers, body = 200, JSON, REFUND
        elif path.endswith("-options"):
            status, headers, body = 200, JSON, OPTIONS.encode()
        elif method == "GET":
            status, headers, body = 200, JSON, ORDER
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="error", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
