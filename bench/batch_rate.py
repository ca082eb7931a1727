"""Wall time and achieved rate of ``klarna-om batch`` against the sandbox over loopback.

Usage: python bench/batch_rate.py [--rows 2000] [--rate 200] [--concurrency 16]
A measurement, not a test: it prints figures and checks only that every row was refunded once.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from klarna_om_sandbox import SandboxServer

SCRIPT = Path(sys.executable).parent / "klarna-om"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    per_order = 5
    with SandboxServer() as sandbox, tempfile.TemporaryDirectory() as tmp:
        orders = [
            sandbox.create_order(10_000_000, captures=[{"captured_amount": 10_000_000}])["order_id"]
            for _ in range((args.rows + per_order - 1) // per_order)
        ]
        path = Path(tmp) / "rows.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["order_id", "amount", "reference"])
            for n in range(args.rows):
                writer.writerow([orders[n // per_order], 100, f"ref-{n % per_order}"])
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLARNA_")}
        env |= {
            "KLARNA_USERNAME": sandbox.username,
            "KLARNA_PASSWORD": sandbox.password,
            "KLARNA_BASE_URL": sandbox.base_url,
        }
        started = time.monotonic()
        done = subprocess.run(
            [
                *(str(SCRIPT), "batch", str(path), "--json"),
                *("--rate", str(args.rate), "--concurrency", str(args.concurrency)),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        wall = time.monotonic() - started
        summary = json.loads(done.stdout)
        booked = sum(len(sandbox.get_order(o)["refunds"]) for o in orders)
    print(
        f"batch: {args.rows} rows at --rate {args.rate:g} --concurrency {args.concurrency}: "
        f"exit {done.returncode}, {summary['states']['done']} done, {booked} refunds booked, "
        f"wall {wall:.1f} s (with the interpreter's start), {args.rows / wall:.0f} rows/s"
    )


if __name__ == "__main__":
    main()
