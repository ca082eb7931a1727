"""429s with and without the client's pacer: bulk async refunds against a rate-limited sandbox.

Usage: python bench/ratelimit_storm.py [--refunds 500] [--limit 50]
A measurement, not a test (``tests/reliability/test_ratelimit_storm.py`` is the test): the
in-process sandbox meters the merchant at ``--limit`` requests per second with Klarna's headers,
and the same job (``tests/_support/storm.py``: 32 refunds at a time, same key on every try) runs
unpaced, then paced at several rates. Every run must end with one refund per order.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests._support.storm import storm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refunds", type=int, default=500)
    parser.add_argument("--limit", type=float, default=50.0)
    args = parser.parse_args()
    limit = args.limit
    print(f"{args.refunds} refunds, sandbox limit {limit:g}/s, 32 at a time")
    print("| pacer | calls | answered 429 | share | tries again | slowdowns | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, rate in (
        ("none", None),
        (f"{limit * 0.9:g}/s (90 % of the limit)", limit * 0.9),
        (f"{limit:g}/s (the limit)", limit),
        (f"{limit * 2:g}/s (twice the limit)", limit * 2),
    ):
        run = storm(args.refunds, limit, rate)
        if run.per_order != {1: args.refunds}:
            raise SystemExit(f"{label}: refunds per order {dict(run.per_order)}")
        print(
            f"| {label} | {run.calls} | {run.statuses[429]} | {run.share_429:.1%} | "
            f"{run.again} | {run.slowdowns} | {run.seconds:.1f} |"
        )


if __name__ == "__main__":
    main()
