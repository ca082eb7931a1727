"""``klarna-om-sandbox`` run as its console command (``python -m klarna_om_sandbox``) for tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests._support.net import free_port


@contextmanager
def sandbox_command(
    *args: str, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[str]:
    """Serve ``klarna-om-sandbox *args`` on ``port`` (default: a free one); yield its base URL.

    Ready is any HTTP answer from the clock endpoint (a 401 too), within 15 s; the process is
    terminated on exit. Pass the same ``port`` to serve again where a client already points.
    """
    port = free_port() if port is None else port
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "klarna_om_sandbox", "--port", str(port), "--no-access-log", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"{base_url}/sandbox/clock", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        process.wait(10)


def seed_order(http: httpx.Client, amount: int = 10000) -> str:
    """Seed an order with one capture of ``amount`` over ``POST /sandbox/orders``; its id."""
    seed = {"order_amount": amount, "captures": [{"captured_amount": amount}]}
    made = http.post("/sandbox/orders", json=seed)
    assert made.status_code == 201
    return str(made.json()["order_id"])
