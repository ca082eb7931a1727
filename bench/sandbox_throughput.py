"""Refunds per second through the public client against the sandbox over loopback.

Usage: python bench/sandbox_throughput.py [--seconds 5] [--threads 1]
A measurement, not a test: it prints figures and asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from klarna_om import KlarnaOrderManagement
from klarna_om_sandbox import SandboxServer


def run(seconds: float, threads: int) -> None:
    with SandboxServer() as sandbox:
        order = sandbox.create_order(200_000_000, captures=[{"captured_amount": 200_000_000}])
        latencies: list[float] = []
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def worker() -> None:
            with KlarnaOrderManagement(
                sandbox.username, sandbox.password, base_url=sandbox.base_url
            ) as client:
                own: list[float] = []
                while time.monotonic() < stop:
                    t0 = time.perf_counter()
                    client.refund_order(order["order_id"], 1)
                    own.append(time.perf_counter() - t0)
                with lock:
                    latencies.extend(own)

        started = time.monotonic()
        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.monotonic() - started
        refunds = sandbox.get_order(order["order_id"])["refunds"]
        assert len(refunds) == len(latencies), "every call made exactly one refund"
        latencies.sort()
        print(
            f"threads={threads} refunds={len(latencies)} seconds={elapsed:.2f} "
            f"refunds_per_second={len(latencies) / elapsed:.0f} "
            f"p50_ms={statistics.median(latencies) * 1000:.2f} "
            f"p99_ms={latencies[int(len(latencies) * 0.99)] * 1000:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    run(args.seconds, args.threads)


if __name__ == "__main__":
    main()
