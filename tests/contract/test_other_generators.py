"""spec/ makes working clients with openapi-generator 7.x too: ``python`` and ``typescript-fetch``.

The Python client is generated into a temporary folder and runs refund -> get refund ->
extend-due-date options against the sandbox, reading a value outside an open enum as well; the
TypeScript client must compile with ``tsc --noEmit --strict``. openapi-generator-cli (its PyPI
package bundles the jar; Java 17) and typescript are pinned in pyproject.toml and package.json.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from klarna_om_sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "klarna-ordermanagement.yaml"
GENERATOR = Path(sys.executable).parent / "openapi-generator-cli"
TIMINGS: dict[str, float] = {}


def _generate(generator: str, out: Path, *options: str) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [str(GENERATOR), "generate", "-i", str(SPEC), "-g", generator, "-o", str(out), *options],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    TIMINGS[f"generate {generator}"] = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.fixture(scope="module")
def og_python(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("og-python")
    _generate("python", out, "--package-name", "klarna_og_client")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("klarna_og_client")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n.startswith("klarna_og_client")]:
            del sys.modules[name]


def test_the_openapi_generator_python_client_works_against_the_sandbox(
    og_python: Any, klarna_sandbox: SandboxServer
) -> None:
    started = time.monotonic()
    og = og_python
    tshirt = {"name": "T-Shirt", "quantity": 1, "unit_price": 10000, "total_amount": 10000}
    lines = [{**tshirt, "type": "physical", "reference": "TS-1"}, {**tshirt, "type": "brand_new"}]
    seeded = klarna_sandbox.create_order(
        20000, order_lines=lines, captures=[{"captured_amount": 20000, "order_lines": lines}]
    )
    order_id, capture_id = seeded["order_id"], seeded["capture_ids"][0]
    config = og.Configuration(
        host=klarna_sandbox.base_url,
        username=klarna_sandbox.username,
        password=klarna_sandbox.password,
    )
    with og.ApiClient(config) as api:
        refunds = og.RefundsApi(api)
        body = og.RefundObject.from_dict(
            {"refunded_amount": 10000, "reference": "og-1", "order_lines": [lines[0]]}
        )
        created = refunds.refund_order_with_http_info(
            order_id, body, klarna_idempotency_key="og-key-1"
        )
        assert created.status_code == 201
        headers = {k.lower(): v for k, v in created.headers.items()}
        refund_id = headers["refund-id"]
        assert headers["location"].endswith(f"/refunds/{refund_id}")
        refund = refunds.get_refund(order_id, refund_id)
        assert (refund.refund_id, refund.refunded_amount, refund.reference) == (
            refund_id,
            10000,
            "og-1",
        )
        assert refund.order_lines[0].type.actual_instance == og.OrderLineType.PHYSICAL
        order = og.OrdersApi(api).get_order(order_id)
        # an order line type outside the enum is still read: the enum stays open
        assert [line.type.actual_instance for line in order.order_lines] == [
            og.OrderLineType.PHYSICAL,
            "brand_new",
        ]
        options = og.CapturesApi(api).get_options_for_extend_due_date(order_id, capture_id)
        assert (options.currency, [(o.number_of_days, o.amount) for o in options.options]) == (
            "EUR",
            [(2, 0), (10, 195), (30, 395), (60, 695)],
        )
    TIMINGS["run python client"] = time.monotonic() - started


def test_the_typescript_fetch_client_compiles(tmp_path: Path) -> None:
    _generate("typescript-fetch", tmp_path, "--additional-properties=supportsES6=true")
    assert (tmp_path / "models" / "OrderLineTypeValue.ts").exists()
    started = time.monotonic()
    tsc = ROOT / "node_modules" / ".bin" / "tsc"
    done = subprocess.run(
        [
            str(tsc),
            *("--noEmit", "--strict", "--target", "es2020", "--lib", "es2020,dom"),
            *("--module", "commonjs", "--moduleResolution", "node", "index.ts"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    TIMINGS["tsc --noEmit"] = time.monotonic() - started
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_report_the_time_the_generator_matrix_takes(capsys: pytest.CaptureFixture[str]) -> None:
    assert shutil.which("java"), "openapi-generator needs Java"
    with capsys.disabled():
        print(
            "\nother generators: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in TIMINGS.items())
        )
    assert set(TIMINGS) >= {"generate python", "generate typescript-fetch", "tsc --noEmit"}
