"""Prism (pinned in package.json): the client against `prism mock`; the sandbox behind a proxy.

The mock answers from the spec's examples, so the client must read every documented example
into its models and turn `Prefer: code=403/404` answers into typed errors. The proxy
(`--errors`) checks each request and sandbox response of a whole flow against the spec: any
violation becomes a 500 the client would raise.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from klarna_om import KlarnaOrderManagement, NotFoundError, Order, PermissionDeniedError, ReturnFee
from klarna_om_sandbox import SandboxServer
from tests._support.data import TOMATOES, TSHIRT
from tests._support.net import free_port
from tests._support.openapi_check import SpecCheckingTransport
from tests._support.spec_tools import SPEC_PATH, load_spec

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
ORDER = "f3392f8b-6116-4073-ab96-e330819e2c07"
CAPTURE = "4ba29b50-be7b-44f5-a492-113e6a865e22"


@pytest.fixture(scope="module")
def prism_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prism") / "prism.log"


def _start(args: list[str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start Prism on a free loopback port; wait until it answers."""
    assert PRISM.exists(), "Prism is missing: run `make install` (npm ci)"
    port = free_port()
    out = log.open("ab")
    process = subprocess.Popen(
        [str(PRISM), *args, "-p", str(port), "-h", "127.0.0.1"],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    out.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"Prism did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="module")
def prism_mock(prism_log: Path) -> Iterator[str]:
    process, base = _start(["mock", str(SPEC_PATH)], prism_log)
    try:
        yield base
    finally:
        _stop(process)


class _Prefer(httpx.BaseTransport):
    """Adds Prism's `Prefer` header (which response to answer with) to every request."""

    def __init__(self, inner: httpx.BaseTransport, prefer: str) -> None:
        self._inner, self._prefer = inner, prefer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["Prefer"] = self._prefer
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def _client(base: str, prefer: str | None = None) -> KlarnaOrderManagement:
    inner: httpx.BaseTransport = SpecCheckingTransport(httpx.HTTPTransport())
    if prefer is not None:
        inner = _Prefer(inner, prefer)
    return KlarnaOrderManagement(
        "K123456_abcd12345", "secret", base_url=base, transport=inner, max_retries=0
    )


def test_every_operation_against_the_mock(prism_mock: str) -> None:
    with _client(prism_mock) as client:
        order = client.get_order(ORDER)
        created = client.refund_order(ORDER, 3000, reference="refund-2026-0001")
        refund = client.get_refund(ORDER, created.refund_id)
        client.release_remaining_authorization(ORDER)
        options = client.get_extend_due_date_options(ORDER, CAPTURE)
        client.extend_due_date(ORDER, CAPTURE, 10)
    assert (created.refund_id, created.location) == (
        "b2cb4f2e-2781-4359-80ad-555735ebb8d8",
        "https://api.klarna.com/ordermanagement/v1/orders/f3392f8b-6116-4073-ab96-e330819e2c07"
        "/refunds/b2cb4f2e-2781-4359-80ad-555735ebb8d8",
    )
    assert refund.to_dict() == {
        "refund_id": "b2cb4f2e-2781-4359-80ad-555735ebb8d8",
        "refunded_amount": 3000,
        "refunded_at": "2015-12-04T15:17:40+00:00",
        "description": "Returned 5 kg of tomatoes",
        "reference": "refund-2026-0001",
        "credit_invoice": False,
        "order_lines": [TOMATOES],
    }
    example = load_spec()["paths"]["/ordermanagement/v1/orders/{order_id}"]["get"]["responses"][
        "200"
    ]["content"]["application/json"]["example"]
    assert order.to_dict() == Order.from_dict(example).to_dict()
    assert options.to_dict() == {
        "currency": "EUR",
        "options": [
            {"number_of_days": 2, "amount": 0},
            {"number_of_days": 10, "amount": 195},
            {"number_of_days": 30, "amount": 395},
        ],
    }


def test_prefer_403_and_404_arrive_as_typed_errors(prism_mock: str) -> None:
    with _client(prism_mock, "code=403") as client, pytest.raises(PermissionDeniedError) as over:
        client.refund_order(ORDER, 3000)
    assert (over.value.error_code, over.value.error_messages, over.value.correlation_id) == (
        "REFUND_NOT_ALLOWED",
        ["Over refund is not allowed. Refund not possible."],
        "66782175-ae05-44fc-9eb3-eeceadbad271",
    )
    with _client(prism_mock, "code=404") as client:
        for call, code in (
            (lambda: client.get_refund(ORDER, "r-1"), "NOT_FOUND"),
            (lambda: client.release_remaining_authorization(ORDER), "NO_SUCH_ORDER"),
            (lambda: client.extend_due_date(ORDER, CAPTURE, 10), "NO_SUCH_CAPTURE"),
        ):
            with pytest.raises(NotFoundError) as missing:
                call()
            assert missing.value.error_code == code


class _NoViolations(httpx.BaseTransport):
    """Fails on Prism's `sl-violations` header (violations Prism reports but lets through)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self.responses = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        assert "sl-violations" not in response.headers, response.headers["sl-violations"]
        self.responses += 1
        return response

    def close(self) -> None:
        self._inner.close()


def test_a_whole_flow_through_prism_proxy_in_front_of_the_sandbox(prism_log: Path) -> None:
    with SandboxServer() as sandbox:
        process, base = _start(["proxy", "--errors", str(SPEC_PATH), sandbox.base_url], prism_log)
        try:
            transport = _NoViolations(httpx.HTTPTransport())
            with KlarnaOrderManagement(
                sandbox.username,
                sandbox.password,
                base_url=base,
                transport=transport,
                max_retries=0,
            ) as client:
                order = sandbox.create_order(
                    20000,
                    order_lines=[TSHIRT],
                    captures=[{"captured_amount": 20000, "order_lines": [TSHIRT]}],
                )
                oid, cid = order["order_id"], order["capture_ids"][0]
                partial = client.refund_order(oid, 4000)
                assert client.get_refund(oid, partial.refund_id).refunded_amount == 4000
                client.refund_with_return_fee(oid, [TSHIRT], ReturnFee(500, tax_rate=2500))
                client.refund_return_fee(oid, 500)
                options = client.get_extend_due_date_options(oid, cid)
                client.extend_due_date(oid, cid, 10)
                with pytest.raises(PermissionDeniedError):
                    client.refund_order(oid, 10000)
                with pytest.raises(NotFoundError):
                    client.get_refund(oid, "missing")
                partly = sandbox.create_order(20000, captures=[{"captured_amount": 5000}])
                client.release_remaining_authorization(partly["order_id"])
            assert sandbox.get_order(oid)["refunded_amount"] == 14000
            assert len(options.to_dict()["options"]) == 4
            assert transport.responses == 9
        finally:
            _stop(process)
