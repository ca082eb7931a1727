"""``klarna-om-sandbox`` run as its console command (``python -m klarna_om_sandbox``) for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sandbox_command(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve ``klarna-om-sandbox *args`` on a free loopback port; yield its base URL when ready.

    Ready is any HTTP answer from the clock endpoint (a 401 too), within 15 s; the process is
    terminated on exit.
    """
    port = free_port()
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
