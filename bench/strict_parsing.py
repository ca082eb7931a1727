"""What strict parsing costs a ``get_refund`` on ``httpx.MockTransport``, in CPU time.

Usage: python bench/strict_parsing.py [--calls 2000] [--rounds 7] [--before REV]

Measured in one run, each as the best of ``--rounds`` rounds of CPU time (``process_time``):
- raw httpx: ``client.get(url).json()`` on the same MockTransport and body;
- ``get_refund``: the klarna_om call (retry transport, hooks, strict ``Refund.from_dict``);
- strict read: ``Refund.from_dict(body)`` of today's generated models;
- lax read: the same with the generated models of ``--before`` (default: the last commit before
  the strict templates), extracted from git into a temporary folder.
The cost of strictness is (strict read − lax read) / ``get_refund``. A measurement, not a test:
it prints figures and asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx

from klarna_om import KlarnaOrderManagement
from klarna_om_generated.models import Refund

ROOT = Path(__file__).resolve().parents[1]
#: The last commit whose generated models read JSON without type checks.
LAX_REVISION = "da750a3"

LINE = {
    "type": "physical",
    "reference": "75001",
    "name": "Tomatoes",
    "quantity": 5,
    "quantity_unit": "kg",
    "unit_price": 600,
    "tax_rate": 2500,
    "total_amount": 3000,
    "total_discount_amount": 0,
    "total_tax_amount": 600,
}
#: A refund of three order lines, as Klarna shows one.
BODY: dict[str, Any] = {
    "refund_id": "b2cb4f2e-2781-4359-80ad-555735ebb8d8",
    "refunded_amount": 9000,
    "refunded_at": "2015-12-04T15:17:40Z",
    "description": "Returned 15 kg of tomatoes",
    "reference": "refund-2026-0001",
    "order_lines": [LINE, LINE, LINE],
    "credit_invoice": False,
}


def best_cpu(fn: Callable[[], object], calls: int, rounds: int) -> float:
    """The best, over ``rounds``, of the CPU seconds per call of ``fn``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            fn()
        best = min(best, (time.process_time() - start) / calls)
    return best


def lax_refund_model(revision: str, folder: Path) -> Any:
    """``Refund`` of the generated package at ``revision``, imported under another name."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "generated/klarna_om_generated"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    package = folder / "generated" / "klarna_om_generated"
    package.rename(folder / "klarna_om_generated_lax")
    sys.path.insert(0, str(folder))
    return importlib.import_module("klarna_om_generated_lax.models").Refund


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--before", default=LAX_REVISION)
    args = parser.parse_args()

    content = httpx.Response(200, json=BODY).content
    headers = {"Content-Type": "application/json"}
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers=headers, content=content)
    )
    url = "http://127.0.0.1:9/ordermanagement/v1/orders/o-1/refunds/r-1"
    with tempfile.TemporaryDirectory() as tmp:
        lax = lax_refund_model(args.before, Path(tmp))
        assert (
            lax.from_dict(BODY).to_dict()["order_lines"]
            == Refund.from_dict(BODY).to_dict()["order_lines"]
        )
        with (
            httpx.Client(transport=transport) as raw,
            KlarnaOrderManagement(
                "u", "p", base_url="http://127.0.0.1:9", transport=transport
            ) as client,
        ):
            figures = {
                "raw httpx get + json": best_cpu(
                    lambda: raw.get(url).json(), args.calls, args.rounds
                ),
                "get_refund": best_cpu(
                    lambda: client.get_refund("o-1", "r-1"), args.calls, args.rounds
                ),
                "strict Refund.from_dict": best_cpu(
                    lambda: Refund.from_dict(BODY), args.calls, args.rounds
                ),
                f"lax Refund.from_dict ({args.before})": best_cpu(
                    lambda: lax.from_dict(BODY), args.calls, args.rounds
                ),
            }
    for name, seconds in figures.items():
        print(f"{name:38} {seconds * 1e6:8.1f} µs CPU per call")
    raw_s, call_s, strict_s, lax_s = figures.values()
    print(f"get_refund / raw httpx: {call_s / raw_s:.2f}x")
    extra = strict_s - lax_s
    print(
        f"strict parsing adds {extra * 1e6:+.1f} µs CPU to a read: {extra / call_s:+.1%} of a "
        f"get_refund ({(call_s - extra) * 1e6:.1f} µs lax, {call_s * 1e6:.1f} µs strict)"
    )


if __name__ == "__main__":
    main()
