"""The client's cost, as ratios to raw httpx (and to the plain generated client) in one run.

Usage: python bench/perf.py [--iterations 300] [--rounds 7] [--bulk 2000] [--out bench/results.md]
       python bench/perf.py --smoke      (tiny counts: make test runs it, no figure is judged)

Measured, interleaved, several rounds, medians of per-round ratios:
- loopback: one iteration = every operation once (refund, get refund, get order, release,
  extend-due-date options, extend), long-lived clients, against a minimal ASGI server in its own
  process; client CPU (``process_time``) and wall; the server's request counter is checked so
  that no client skips work;
- in process: the same iteration on ``httpx.MockTransport`` (CPU);
- async bulk: refunds at concurrency 8, 32 and 128, wall time per refund, raw ``httpx.AsyncClient``
  against ``AsyncKlarnaOrderManagement`` on each available transport;
- import: ``import klarna_om`` against ``import httpx``, fresh interpreters;
- cold start: import, construct a client and make the first call (``get_order``) against the
  loopback server, in a fresh interpreter each (what a CLI user pays on every command), for raw
  httpx and for ``KlarnaOrderManagement``.
Fresh interpreters run from bytecode, as an installed package does (pip compiles it): a first
run of each writes it into a temporary ``PYTHONPYCACHEPREFIX``, whatever
``PYTHONDONTWRITEBYTECODE`` says, so that klarna_om is not compiled from source on every start
while httpx (installed) is not.
It writes ``--out`` (a Markdown table). A measurement, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

import klarna_om
from klarna_om import AsyncKlarnaOrderManagement, KlarnaOrderManagement, OrderLineInput
from klarna_om_generated import AuthenticatedClient
from klarna_om_generated.api.captures import extend_due_date, get_options_for_extend_due_date
from klarna_om_generated.api.orders import get_order, release_remaining_authorization
from klarna_om_generated.api.refunds import get_refund, refund_order
from klarna_om_generated.models import ExtendDueDateRequest, RefundObject

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "bench" / "_server.py"
BASE = "/ordermanagement/v1/orders/o-1"
LINE: OrderLineInput = {"name": "T-Shirt", "quantity": 1, "unit_price": 100, "total_amount": 100}
AUTH = ("K123456_abcd12345", "bench-secret")
OPS_PER_ITERATION = 6


def _server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, str(SERVER)], stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    return process, url


def _count(url: str) -> int:
    return int(httpx.get(f"{url}/__count").text)


# --- one iteration of every operation, per implementation --------------------------------------


def raw_iteration(client: httpx.Client) -> None:
    """The same six requests with httpx alone (what a hand-written client would send)."""
    key = {"Klarna-Idempotency-Key": "k"}
    body = {"refunded_amount": 100, "order_lines": [LINE]}
    response = client.post(f"{BASE}/refunds", json=body, headers=key)
    assert response.status_code == 201 and response.headers["Refund-Id"]
    assert client.get(f"{BASE}/refunds/r-1").json()["refund_id"] == "r-1"
    assert client.get(BASE).json()["order_id"] == "o-1"
    assert client.post(f"{BASE}/release-remaining-authorization", headers=key).status_code == 204
    options = client.get(f"{BASE}/captures/c-1/extend-due-date-options").json()
    assert options["options"]
    response = client.patch(
        f"{BASE}/captures/c-1/extend-due-date", json={"number_of_days": 10}, headers=key
    )
    assert response.status_code == 204


def generated_iteration(client: AuthenticatedClient) -> None:
    """The plain generated client (no retries, keys, typed errors or checks)."""
    body = RefundObject.from_dict({"refunded_amount": 100, "order_lines": [LINE]})
    assert refund_order.sync_detailed("o-1", client=client, body=body, klarna_idempotency_key="k")
    assert get_refund.sync("o-1", "r-1", client=client) is not None
    assert get_order.sync("o-1", client=client) is not None
    release_remaining_authorization.sync_detailed("o-1", client=client, klarna_idempotency_key="k")
    assert get_options_for_extend_due_date.sync("o-1", "c-1", client=client) is not None
    days = ExtendDueDateRequest(number_of_days=10)
    extend_due_date.sync_detailed(
        "o-1", "c-1", client=client, body=days, klarna_idempotency_key="k"
    )


def ours_iteration(client: KlarnaOrderManagement) -> None:
    """klarna_om: keys, retries, deadline, typed errors, money checks, strict parsing."""
    created = client.refund_order("o-1", 100, order_lines=[LINE])
    assert created.refund_id
    assert client.get_refund("o-1", "r-1").refund_id == "r-1"
    assert client.get_order("o-1").order_id == "o-1"
    client.release_remaining_authorization("o-1")
    assert client.get_extend_due_date_options("o-1", "c-1").options
    client.extend_due_date("o-1", "c-1", 10)


def _cpu_and_wall(fn: Callable[[], None], iterations: int) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(iterations):
        fn()
    return (time.process_time() - cpu) / iterations, (time.perf_counter() - wall) / iterations


def per_iteration(
    url: str | None, transport: httpx.BaseTransport | None, iterations: int, rounds: int
) -> dict[str, dict[str, float]]:
    """CPU and wall per iteration of each implementation, and their ratios to raw httpx."""
    base = url or "http://127.0.0.1:9"
    kwargs: dict[str, Any] = {} if transport is None else {"transport": transport}
    raw = httpx.Client(base_url=base, auth=AUTH, **kwargs)
    generated = AuthenticatedClient(base_url=base, token="x", prefix="Basic")
    if transport is not None:
        generated.set_httpx_client(httpx.Client(base_url=base, transport=transport, auth=AUTH))
    ours = KlarnaOrderManagement(*AUTH, base_url=base, **kwargs)
    impls: dict[str, Callable[[], None]] = {
        "raw httpx": lambda: raw_iteration(raw),
        "generated": lambda: generated_iteration(generated),
        "klarna_om": lambda: ours_iteration(ours),
    }
    for fn in impls.values():  # warm up connections and caches
        fn()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in impls}
    before = _count(url) if url else 0
    for _ in range(rounds):
        for name, fn in impls.items():
            samples[name].append(_cpu_and_wall(fn, iterations))
    if url:  # every client did every request
        assert _count(url) - before == rounds * iterations * OPS_PER_ITERATION * len(impls)
    raw.close()
    ours.close()
    result = {}
    for name, values in samples.items():
        result[name] = {
            "cpu_us": statistics.median(v[0] for v in values) * 1e6,
            "wall_us": statistics.median(v[1] for v in values) * 1e6,
            "cpu_ratio": statistics.median(
                v[0] / r[0] for v, r in zip(values, samples["raw httpx"], strict=True)
            ),
            "wall_ratio": statistics.median(
                v[1] / r[1] for v, r in zip(values, samples["raw httpx"], strict=True)
            ),
        }
    return result


# --- async bulk --------------------------------------------------------------------------------


async def _bulk_raw(url: str, count: int, concurrency: int) -> float:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    slots = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=url, auth=AUTH, limits=limits) as client:

        async def one(n: int) -> None:
            async with slots:
                response = await client.post(
                    f"{BASE}/refunds",
                    json={"refunded_amount": 100},
                    headers={"Klarna-Idempotency-Key": f"k-{n}"},
                )
                assert response.status_code == 201

        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(count)))
        return time.perf_counter() - started


async def _bulk_ours(url: str, count: int, concurrency: int, transport: Any) -> float:
    slots = asyncio.Semaphore(concurrency)
    async with AsyncKlarnaOrderManagement(*AUTH, base_url=url, transport=transport) as client:

        async def one() -> None:
            async with slots:
                await client.refund_order("o-1", 100)

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(count)))
        return time.perf_counter() - started


def bulk(url: str, count: int, rounds: int) -> dict[str, dict[int, float]]:
    """Refunds per second of raw httpx and of each transport, and ratios, per concurrency."""
    transports: dict[str, Callable[[int], Any]] = {
        "default": lambda c: httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_connections=c, max_keepalive_connections=c)
        ),
    }
    aiohttp_transport = getattr(klarna_om, "AiohttpTransport", None)
    if aiohttp_transport is not None:
        try:
            aiohttp_transport()
            transports["aiohttp"] = lambda c: aiohttp_transport(
                limits=httpx.Limits(max_connections=c, max_keepalive_connections=c)
            )
        except ImportError:
            pass
    result: dict[str, dict[int, float]] = {}
    for concurrency in (8, 32, 128):
        ratios: dict[str, list[float]] = {name: [] for name in transports}
        rates: dict[str, list[float]] = {"raw httpx": [], **{n: [] for n in transports}}
        for _ in range(rounds):
            raw = asyncio.run(_bulk_raw(url, count, concurrency))
            rates["raw httpx"].append(count / raw)
            for name, make in transports.items():
                ours = asyncio.run(_bulk_ours(url, count, concurrency, make(concurrency)))
                rates[name].append(count / ours)
                ratios[name].append(raw / ours)
        for name, values in rates.items():
            result.setdefault(f"{name} refunds/s", {})[concurrency] = statistics.median(values)
        for name, values in ratios.items():
            result.setdefault(f"{name} ÷ raw httpx", {})[concurrency] = statistics.median(values)
    return result


# --- import time -------------------------------------------------------------------------------


def _bytecode_env(prefix: str) -> dict[str, str]:
    """The environment of a fresh interpreter that runs from bytecode, as an installed package.

    pip compiles a wheel's modules when it installs them; a source checkout run with
    ``PYTHONDONTWRITEBYTECODE`` would instead compile klarna_om (and not httpx, installed) on
    every start. The bytecode goes to ``prefix`` (a temporary folder), never into the tree.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = prefix
    return env


def _fresh(code: str, env: dict[str, str]) -> float:
    """The seconds a fresh interpreter running ``code`` prints."""
    out = subprocess.run(
        [sys.executable, "-X", "frozen_modules=on", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return float(out)


def _interleaved(codes: dict[str, str], rounds: int) -> dict[str, list[float]]:
    """Seconds per fresh run of each code, interleaved, after one run each writes bytecode."""
    with tempfile.TemporaryDirectory(prefix="klarna-om-bench-pyc-") as prefix:
        env = _bytecode_env(prefix)
        for code in codes.values():
            _fresh(code, env)
        found: dict[str, list[float]] = {name: [] for name in codes}
        for _ in range(rounds):
            for name, code in codes.items():
                found[name].append(_fresh(code, env))
    return found


def import_times(rounds: int) -> dict[str, float]:
    """Median seconds of ``import httpx`` and ``import klarna_om`` in fresh interpreters."""
    code = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
    found = _interleaved({m: code.format(m) for m in ("httpx", "klarna_om")}, rounds)
    ratios = [k / h for k, h in zip(found["klarna_om"], found["httpx"], strict=True)]
    return {
        "httpx_ms": statistics.median(found["httpx"]) * 1e3,
        "klarna_om_ms": statistics.median(found["klarna_om"]) * 1e3,
        "ratio": statistics.median(ratios),
    }


COLD_RAW = """
import time; t = time.perf_counter()
import httpx
with httpx.Client(base_url={url!r}, auth={auth!r}, timeout=httpx.Timeout(30.0, connect=5.0)) as c:
    r = c.get("{base}"); r.raise_for_status(); r.json()
print(time.perf_counter() - t)
"""
COLD_OURS = """
import time; t = time.perf_counter()
from klarna_om import KlarnaOrderManagement
with KlarnaOrderManagement(*{auth!r}, base_url={url!r}) as c:
    c.get_order("o-1")
print(time.perf_counter() - t)
"""


def cold_starts(url: str, rounds: int) -> dict[str, float]:
    """Median seconds from the first import to the first call's result, fresh interpreters."""
    codes = {
        name: template.format(url=url, auth=AUTH, base=BASE)
        for name, template in (("httpx", COLD_RAW), ("klarna_om", COLD_OURS))
    }
    found = _interleaved(codes, rounds)
    ratios = [k / h for k, h in zip(found["klarna_om"], found["httpx"], strict=True)]
    return {
        "httpx_ms": statistics.median(found["httpx"]) * 1e3,
        "klarna_om_ms": statistics.median(found["klarna_om"]) * 1e3,
        "ratio": statistics.median(ratios),
    }


def _mock_transport() -> httpx.MockTransport:
    refund = json.dumps({"refund_id": "r-1", "refunded_amount": 100, "order_lines": [LINE]})
    order = json.dumps(
        {
            "order_id": "o-1",
            "status": "CAPTURED",
            "purchase_currency": "EUR",
            "order_amount": 100,
            "captured_amount": 100,
            "refunded_amount": 0,
            "order_lines": [LINE],
        }
    )
    options = json.dumps({"currency": "EUR", "options": [{"number_of_days": 10, "amount": 195}]})
    created = {"Refund-Id": "r-1", "Location": f"http://127.0.0.1:9{BASE}/refunds/r-1"}
    json_headers = {"Content-Type": "application/json"}

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/refunds"):
            return httpx.Response(201, headers=created)
        if "/refunds/" in path:
            return httpx.Response(200, headers=json_headers, content=refund)
        if path.endswith("-options"):
            return httpx.Response(200, headers=json_headers, content=options)
        if request.method == "GET":
            return httpx.Response(200, headers=json_headers, content=order)
        return httpx.Response(204)

    return httpx.MockTransport(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--bulk", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--smoke", action="store_true", help="tiny counts; writes nothing")
    args = parser.parse_args()
    if args.smoke:
        args.iterations, args.rounds, args.bulk = 3, 2, 40
    load_before = os.getloadavg()
    process, url = _server()
    try:
        loopback = per_iteration(url, None, args.iterations, args.rounds)
        in_process = per_iteration(None, _mock_transport(), args.iterations, args.rounds)
        bulk_figures = bulk(url, args.bulk, max(1, args.rounds // 2))
        cold = cold_starts(url, 3 if args.smoke else 15)
    finally:
        process.terminate()
        process.wait(timeout=10)
    imports = import_times(3 if args.smoke else 15)
    load_after = os.getloadavg()
    report = _report(
        args, loopback, in_process, bulk_figures, imports, cold, load_before, load_after
    )
    print(report)
    if not args.smoke:
        args.out.write_text(report, encoding="utf-8")


def _report(
    args: argparse.Namespace,
    loopback: dict[str, dict[str, float]],
    in_process: dict[str, dict[str, float]],
    bulk_figures: dict[str, dict[int, float]],
    imports: dict[str, float],
    cold: dict[str, float],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> str:
    lines = [
        "# klarna-om benchmark (`make bench`, bench/perf.py)",
        "",
        f"Python {platform.python_version()}, httpx {httpx.__version__}, klarna-om "
        f"{klarna_om.__version__}; {args.iterations} iterations × {args.rounds} rounds, "
        f"interleaved; medians of per-round ratios. Load average before "
        f"{load_before[0]:.2f}, after {load_after[0]:.2f} (2 cores).",
        "",
        f"## Per iteration ({OPS_PER_ITERATION} operations), loopback server in its own process",
        "",
        "| client | CPU µs | CPU ÷ raw httpx | wall µs | wall ÷ raw httpx |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, f in loopback.items():
        lines.append(
            f"| {name} | {f['cpu_us']:.0f} | {f['cpu_ratio']:.2f} | {f['wall_us']:.0f} | "
            f"{f['wall_ratio']:.2f} |"
        )
    lines += [
        "",
        "## Per iteration, in process (`httpx.MockTransport`)",
        "",
        "| client | CPU µs | CPU ÷ raw httpx |",
        "| --- | ---: | ---: |",
    ]
    for name, f in in_process.items():
        lines.append(f"| {name} | {f['cpu_us']:.0f} | {f['cpu_ratio']:.2f} |")
    lines += [
        "",
        f"## Async bulk refunds ({args.bulk} per run), loopback",
        "",
        "| figure | concurrency 8 | 32 | 128 |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, values in bulk_figures.items():
        fmt = "{:.2f}" if "÷" in name else "{:.0f}"
        lines.append(
            f"| {name} | " + " | ".join(fmt.format(values[c]) for c in (8, 32, 128)) + " |"
        )
    lines += [
        "",
        "## Import, fresh interpreters (from bytecode)",
        "",
        f"`import httpx` {imports['httpx_ms']:.1f} ms, `import klarna_om` "
        f"{imports['klarna_om_ms']:.1f} ms: ratio {imports['ratio']:.2f}.",
        "",
        "## Cold start (import, construct, first call), fresh interpreters from bytecode, loopback",
        "",
        f"raw httpx {cold['httpx_ms']:.1f} ms, `KlarnaOrderManagement` "
        f"{cold['klarna_om_ms']:.1f} ms: ratio {cold['ratio']:.2f}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
