"""Refunds per second through the async client on AiohttpTransport, the sandbox in its own process.

Usage: python bench/sandbox_async.py [--refunds 3000] [--orders 300] [--concurrency 32]
The refunds are spread over ``--orders`` orders, as a real batch is. A measurement, not a test:
it prints a figure and checks only that every refund was booked.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time

import httpx

from klarna_om import AiohttpTransport, AsyncKlarnaOrderManagement

AUTH = ("sandbox", "sandbox")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refunds", type=int, default=3000)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "klarna_om_sandbox", "--port", str(port), "--no-access-log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        orders = [
            httpx.post(
                f"{base}/sandbox/orders",
                auth=AUTH,
                json={"order_amount": 10**8, "captures": [{"captured_amount": 10**8}]},
            ).json()["order_id"]
            for _ in range(args.orders)
        ]
        wall = asyncio.run(_refunds(base, orders, args.refunds, args.concurrency))
        booked = sum(
            len(httpx.get(f"{base}/ordermanagement/v1/orders/{o}", auth=AUTH).json()["refunds"])
            for o in orders
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"sandbox (own process): {args.refunds / wall:.0f} refunds/s through "
        f"AsyncKlarnaOrderManagement on AiohttpTransport at concurrency {args.concurrency}; "
        f"{booked} refunds booked (plus a warm-up of 200)"
    )


async def _refunds(base: str, orders: list[str], count: int, concurrency: int) -> float:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with AsyncKlarnaOrderManagement(
        *AUTH, base_url=base, transport=AiohttpTransport(limits=limits)
    ) as client:
        slots = asyncio.Semaphore(concurrency)

        async def one(n: int) -> None:
            async with slots:
                await client.refund_order(orders[n % len(orders)], 1)

        await asyncio.gather(*(one(n) for n in range(200)))
        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(count)))
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
