"""The test rig itself: what each proxy fault does to a plain httpx request, and to the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from klarna_om_sandbox import SandboxServer
from tests.reliability.fault_proxy import FAULT_KINDS, FaultPlan, FaultProxy

BASE = "/ordermanagement/v1/orders"
TIMEOUT = httpx.Timeout(0.3, connect=0.3)
#: (fault, method) -> what a single httpx attempt sees, and whether a POST refund was booked.
EXPECTED = {
    ("", "GET"): ("200 application/json intact", False),
    ("", "POST"): ("201", True),
    ("drop_after_commit", "GET"): ("RemoteProtocolError", False),
    ("drop_after_commit", "POST"): ("RemoteProtocolError", True),
    ("drop_before_forward", "GET"): ("RemoteProtocolError", False),
    ("drop_before_forward", "POST"): ("RemoteProtocolError", False),
    ("status_502_html", "GET"): ("502 text/html", False),
    ("status_502_html", "POST"): ("502 text/html", False),
    ("status_503", "GET"): ("503 application/json TEMPORARILY_UNAVAILABLE", False),
    ("status_503", "POST"): ("503 application/json TEMPORARILY_UNAVAILABLE", False),
    ("stall_after_commit", "GET"): ("ReadTimeout", False),
    ("stall_after_commit", "POST"): ("ReadTimeout", True),
    ("cut_body", "GET"): ("RemoteProtocolError", False),
    ("cut_body", "POST"): ("RemoteProtocolError", True),
    ("reset:before", "GET"): ("ReadError", False),
    ("reset:before", "POST"): ("ReadError", False),
    ("reset:after", "GET"): ("ReadError", False),
    ("reset:after", "POST"): ("ReadError", True),
    ("slow_bytes", "GET"): ("200 application/json intact", False),
    ("slow_bytes", "POST"): ("201", True),
}


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as sb:
        yield sb


def _describe(client: httpx.Client, method: str, path: str, key: str, body: bytes) -> str:
    """What one attempt got: the exception's name, or status, content type and body check."""
    try:
        if method == "GET":
            response = client.get(path)
        else:
            headers = {"Klarna-Idempotency-Key": key}
            response = client.post(path, json={"refunded_amount": 100}, headers=headers)
    except httpx.TransportError as exc:
        return type(exc).__name__
    content_type = response.headers.get("content-type")
    parts = [str(response.status_code), *([content_type] if content_type else [])]
    if response.status_code == 200:
        parts.append("intact" if response.content == body else "altered")
    elif content_type == "application/json":
        parts.append(response.json()["error_code"])
    return " ".join(parts)


def test_each_fault_does_what_it_says(sandbox: SandboxServer) -> None:
    def new_order() -> str:
        return str(sandbox.create_order(1000, captures=[{"captured_amount": 1000}])["order_id"])

    auth = (sandbox.username, sandbox.password)
    order = new_order()
    with httpx.Client(base_url=sandbox.base_url, auth=auth) as direct:
        created = direct.post(f"{BASE}/{order}/refunds", json={"refunded_amount": 100})
        read_path = f"{BASE}/{order}/refunds/{created.headers['refund-id']}"
        body = direct.get(read_path).content
    seen: dict[tuple[str, str], tuple[str, bool]] = {}
    for seed, kind in enumerate(("", *FAULT_KINDS)):
        plan = FaultPlan(rate=1.0, kinds=(kind,)) if kind else FaultPlan(rate=0.0)
        with (
            FaultProxy(sandbox.base_url, seed=seed, plan=plan) as proxy,
            httpx.Client(base_url=proxy.url, auth=auth, timeout=TIMEOUT) as client,
        ):
            for attempt in range(8 if kind == "reset" else 1):  # reset: both before and after
                target = new_order()
                got = _describe(client, "GET", read_path, "", body)
                posted = _describe(
                    client, "POST", f"{BASE}/{target}/refunds", f"rig-{seed}-{attempt}", body
                )
                booked = bool(sandbox.get_order(target)["refunds"])
                get_fault, post_fault = (fault for _, _, fault in proxy.log[-2:])
                seen[(get_fault, "GET")] = (got, False)
                seen[(post_fault, "POST")] = (posted, booked)
        assert proxy.errors == []
    assert seen == EXPECTED
