"""Idempotency as Klarna documents it, persistence across restarts, and every fault kind."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from klarna_om import (
    APIConnectionError,
    ConflictError,
    InternalServerError,
    KlarnaOrderManagement,
    RateLimitError,
    RefundCreated,
    RetryPolicy,
)
from klarna_om_sandbox import SandboxServer
from tests._support.data import TSHIRT
from tests._support.net import free_port
from tests._support.sandbox_process import sandbox_command, seed_order
from tests.e2e.conftest import ClientFactory, checked_transport, one_capture_order

BASE = "/ordermanagement/v1/orders"


def _client_for(sandbox: SandboxServer) -> KlarnaOrderManagement:
    return KlarnaOrderManagement(
        sandbox.username, sandbox.password, base_url=sandbox.base_url, transport=checked_transport()
    )


def _refunds(sandbox: SandboxServer, order_id: str) -> list[int]:
    return [r["refunded_amount"] for r in sandbox.get_order(order_id)["refunds"]]


def test_a_repeated_key_replays_the_first_response_exactly(
    klarna_sandbox: SandboxServer, raw: httpx.Client
) -> None:
    order = one_capture_order(klarna_sandbox)
    url = f"{BASE}/{order['order_id']}/refunds"
    first = raw.post(url, json={"refunded_amount": 1000}, headers={"Klarna-Idempotency-Key": "k1"})
    # Only the key matters: a different body is disregarded.
    again = raw.post(url, json={"refunded_amount": 2000}, headers={"Klarna-Idempotency-Key": "k1"})
    assert (again.status_code, _without_date(again), again.content) == (
        first.status_code,
        _without_date(first),
        first.content,
    )
    assert (first.status_code, _without_date(first)) == (
        201,
        [
            ("location", first.headers["location"]),
            ("refund-id", first.headers["refund-id"]),
            ("content-length", "0"),
        ],
    )
    assert _refunds(klarna_sandbox, order["order_id"]) == [1000]


def _without_date(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.multi_items() if k not in ("date", "server")]


def test_a_refusal_is_replayed_too_but_a_bad_request_is_not(
    klarna_sandbox: SandboxServer, raw: httpx.Client
) -> None:
    order = one_capture_order(klarna_sandbox)
    url = f"{BASE}/{order['order_id']}/refunds"
    headers = {"Klarna-Idempotency-Key": "k-over"}
    over = raw.post(url, json={"refunded_amount": 20000}, headers=headers)
    replay = raw.post(url, json={"refunded_amount": 100}, headers=headers)
    assert (over.status_code, replay.status_code, replay.content) == (403, 403, over.content)
    headers = {"Klarna-Idempotency-Key": "k-bad"}
    bad = raw.post(url, json={"refunded_amount": -1}, headers=headers)
    fixed = raw.post(url, json={"refunded_amount": 100}, headers=headers)
    assert (bad.status_code, fixed.status_code) == (400, 201)
    assert _refunds(klarna_sandbox, order["order_id"]) == [100]


def test_the_client_retrying_with_the_same_key_gets_the_same_refund(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = one_capture_order(klarna_sandbox)
    first = client.refund_order(order["order_id"], 700, idempotency_key="job-42")
    second = client.refund_order(order["order_id"], 700, idempotency_key="job-42")
    assert first == second
    assert _refunds(klarna_sandbox, order["order_id"]) == [700]


def test_a_duplicate_while_the_first_is_in_flight_gets_409(
    klarna_sandbox: SandboxServer, make_client: ClientFactory
) -> None:
    order = one_capture_order(klarna_sandbox)
    klarna_sandbox.add_fault("refundOrder", "delay_ms", delay_ms=500)
    results: list[RefundCreated] = []
    slow = threading.Thread(
        target=lambda: results.append(
            make_client().refund_order(order["order_id"], 500, idempotency_key="same")
        )
    )
    slow.start()
    store, deadline = klarna_sandbox.sandbox.store, time.monotonic() + 10
    while store.key_state("sandbox", "same") != "in_flight" and time.monotonic() < deadline:
        time.sleep(0.005)  # until the slow request holds the key
    with pytest.raises(ConflictError) as info:
        make_client().refund_order(order["order_id"], 500, idempotency_key="same")
    slow.join(10)
    assert (info.value.error_code, info.value.idempotency_key) == ("CONFLICT", "same")
    assert len(results) == 1
    assert _refunds(klarna_sandbox, order["order_id"]) == [500]


def test_keys_expire_after_24_hours() -> None:
    now = [1_800_000_000.0]
    with (
        SandboxServer(clock=lambda: now[0]) as sandbox,
        _client_for(sandbox) as client,
    ):
        order = one_capture_order(sandbox)
        first = client.refund_order(order["order_id"], 100, idempotency_key="daily")
        now[0] += 24 * 3600 - 1
        assert client.refund_order(order["order_id"], 100, idempotency_key="daily") == first
        now[0] += 2
        later = client.refund_order(order["order_id"], 100, idempotency_key="daily")
        assert later.refund_id != first.refund_id
        assert _refunds(sandbox, order["order_id"]) == [100, 100]


def test_keys_are_scoped_per_credentials() -> None:
    with SandboxServer(extra_credentials={"other-merchant": "pw2"}) as sandbox:
        order = one_capture_order(sandbox)
        clients = [
            KlarnaOrderManagement(
                user, pw, base_url=sandbox.base_url, transport=checked_transport()
            )
            for user, pw in ((sandbox.username, sandbox.password), ("other-merchant", "pw2"))
        ]
        ids = {
            c.refund_order(order["order_id"], 100, idempotency_key="shared").refund_id
            for c in clients
        }
        for c in clients:
            c.close()
        assert (len(ids), _refunds(sandbox, order["order_id"])) == (2, [100, 100])


def test_state_survives_a_restart_with_a_database(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.sqlite3")
    with (
        SandboxServer(db=db) as sandbox,
        _client_for(sandbox) as client,
    ):
        order = one_capture_order(sandbox)
        created = client.refund_order(order["order_id"], 2500, idempotency_key="persisted")
    with (
        SandboxServer(db=db) as sandbox,
        _client_for(sandbox) as client,
    ):
        assert client.get_refund(order["order_id"], created.refund_id).refunded_amount == 2500
        replay = client.refund_order(order["order_id"], 2500, idempotency_key="persisted")
        assert replay.refund_id == created.refund_id
        assert _refunds(sandbox, order["order_id"]) == [2500]


def test_drop_after_commit_then_retry_creates_exactly_one_refund(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement, sleeps: list[float]
) -> None:
    order = one_capture_order(klarna_sandbox)
    klarna_sandbox.add_fault("refundOrder", "drop_after_commit")
    created = client.refund_order(order["order_id"], 1200)
    assert sleeps == [pytest.approx(sleeps[0])] and 0.25 <= sleeps[0] <= 0.5
    assert _refunds(klarna_sandbox, order["order_id"]) == [1200]
    assert (
        klarna_sandbox.get_order(order["order_id"])["refunds"][0]["refund_id"] == created.refund_id
    )


def test_drop_before_commit_then_retry_creates_exactly_one_refund(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = one_capture_order(klarna_sandbox)
    klarna_sandbox.add_fault("refundOrder", "drop_before_commit", count=2)
    client.refund_order(order["order_id"], 1300)
    assert _refunds(klarna_sandbox, order["order_id"]) == [1300]


def test_a_dropped_connection_without_retries_is_a_connection_error(
    klarna_sandbox: SandboxServer, make_client: ClientFactory
) -> None:
    order = one_capture_order(klarna_sandbox)
    klarna_sandbox.add_fault("refundOrder", "drop_after_commit")
    client = make_client(policy=RetryPolicy(max_retries=0))
    with pytest.raises(APIConnectionError) as info:
        client.refund_order(order["order_id"], 100)
    key = info.value.idempotency_key
    assert key is not None
    # The refund was applied; retrying later with the key returns it instead of refunding again.
    assert (
        client.refund_order(order["order_id"], 100, idempotency_key=key).refund_id
        == klarna_sandbox.get_order(order["order_id"])["refunds"][0]["refund_id"]
    )
    assert _refunds(klarna_sandbox, order["order_id"]) == [100]


def test_status_faults_are_retried(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement, sleeps: list[float]
) -> None:
    order = one_capture_order(klarna_sandbox)
    klarna_sandbox.add_fault("refundOrder", "status", status=503)
    klarna_sandbox.add_fault("refundOrder", "status", status=429, retry_after=2)
    client.refund_order(order["order_id"], 100)
    assert sleeps[1:] == [2.0]
    assert _refunds(klarna_sandbox, order["order_id"]) == [100]


def test_a_long_retry_after_is_handed_to_the_caller(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    klarna_sandbox.add_fault("getRefund", "status", status=429, retry_after=120)
    with pytest.raises(RateLimitError) as info:
        client.get_refund("o", "r")
    assert (info.value.retry_after, info.value.error_code) == (120.0, "TOO_MANY_REQUESTS")


def test_html_502_is_retried_then_surfaces_typed(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = one_capture_order(klarna_sandbox)
    klarna_sandbox.add_fault("*", "html_502", count=3)
    with pytest.raises(InternalServerError) as info:
        client.release_remaining_authorization(order["order_id"])
    assert (info.value.status_code, info.value.error_code) == (502, None)
    assert str(info.value).startswith("502 - correlation_id=-: Bad Gateway (text/html, ")
    klarna_sandbox.add_fault("getOptionsForExtendDueDate", "html_502")
    options = client.get_extend_due_date_options(order["order_id"], order["capture_ids"][0])
    assert len(options.to_dict()["options"]) == 4


def test_delay_ms_slows_a_request_down(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = one_capture_order(klarna_sandbox)
    klarna_sandbox.add_fault("getOrder", "delay_ms", delay_ms=1)  # another operation: no effect
    klarna_sandbox.add_fault("refundOrder", "delay_ms", delay_ms=150)
    started = time.monotonic()
    client.refund_order(order["order_id"], 100)
    assert time.monotonic() - started >= 0.15


def test_faults_over_http(klarna_sandbox: SandboxServer, raw: httpx.Client) -> None:
    made = raw.post(
        "/sandbox/faults",
        json={"operation": "extendDueDate", "kind": "status", "count": 2, "status": 503},
    )
    assert (made.status_code, made.json()) == (
        201,
        {"faults": [{"operation": "extendDueDate", "kind": "status", "count": 2, "status": 503}]},
    )
    for bad in (
        {"operation": "nope", "kind": "status"},
        {"operation": "*", "kind": "explode"},
        {"operation": "*", "kind": "status", "status": 200},
        {"operation": "*", "kind": "delay_ms", "delay_ms": -1},
        {"operation": "*", "kind": "html_502", "count": 0},
        [1],
    ):
        response = raw.post("/sandbox/faults", json=bad)
        assert (response.status_code, response.json()["error_code"]) == (400, "BAD_VALUE")
    assert raw.get("/sandbox/faults").json()["faults"][0]["count"] == 2
    assert raw.post("/sandbox/reset").status_code == 204
    assert raw.get("/sandbox/faults").json() == {"faults": []}


def test_the_command_line_server_keeps_state_in_its_database(tmp_path: Path) -> None:
    port, db = free_port(), str(tmp_path / "cli.sqlite3")
    auth = ("merchant", "secret")
    args = ["--db", db, "--username", "merchant", "--password", "secret"]
    with (
        sandbox_command(*args, port=port) as base,
        httpx.Client(base_url=base, auth=auth) as http,
    ):
        order_id = seed_order(http, 100)
    with sandbox_command(*args, port=port) as base:
        order = httpx.get(f"{base}{BASE}/{order_id}", auth=auth).json()
        assert (order["order_id"], order["captured_amount"]) == (order_id, 100)


def test_order_lines_survive_as_sent(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = one_capture_order(klarna_sandbox)
    created = client.refund_order(order["order_id"], 10000, order_lines=[TSHIRT])
    refund = client.get_refund(order["order_id"], created.refund_id)
    assert refund.to_dict()["order_lines"] == [TSHIRT]
