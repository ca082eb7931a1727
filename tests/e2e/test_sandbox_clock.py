"""The sandbox's clock and the idempotency window: keys live ``idempotency_ttl`` seconds.

Past the window a key is forgotten and a request with it is served as new: a second refund, the
danger the client guards against. Tests move the clock (``POST /sandbox/clock``,
``advance_clock``) instead of waiting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from klarna_om_sandbox import SandboxError, SandboxServer, build_sandbox
from tests._support.sandbox_process import sandbox_command, seed_order
from tests.e2e.conftest import checked_transport

BASE = "/ordermanagement/v1/orders"
KEY = "Klarna-Idempotency-Key"
#: 2027-01-15T08:00:00Z, the injected clock of the tests that compare dates.
T0 = 1_800_000_000.0
DAY = 24 * 3600
MAX_SECONDS = 100 * 365 * DAY


def _http(server: SandboxServer) -> httpx.Client:
    """A plain client for ``server`` whose responses are checked against spec/."""
    return httpx.Client(
        base_url=server.base_url,
        auth=(server.username, server.password),
        transport=checked_transport(requests=False),
    )


def _refund(http: httpx.Client, order_id: str, amount: int, key: str) -> str:
    """POST a refund with ``key``; return the Refund-Id it answers (new or replayed)."""
    sent = http.post(
        f"{BASE}/{order_id}/refunds", json={"refunded_amount": amount}, headers={KEY: key}
    )
    assert sent.status_code == 201
    return str(sent.headers["refund-id"])


def _refunds(http: httpx.Client, order_id: str) -> list[tuple[str, int, str]]:
    refunds = http.get(f"{BASE}/{order_id}").json()["refunds"]
    return [(r["refund_id"], r["refunded_amount"], r["refunded_at"]) for r in refunds]


def _error(response: httpx.Response) -> tuple[int, str, list[str]]:
    body = response.json()
    return response.status_code, body["error_code"], body["error_messages"]


def test_a_key_replays_within_24_hours_and_is_forgotten_after() -> None:
    with SandboxServer(clock=lambda: T0) as server, _http(server) as http:
        order_id = seed_order(http)
        first = _refund(http, order_id, 1000, "day-key")
        assert http.post("/sandbox/clock", json={"advance_seconds": DAY - 1}).json() == {
            "now": "2027-01-16T07:59:59Z",
            "advanced_seconds": DAY - 1,
        }
        # Within the window the key replays, whatever the new body says.
        assert _refund(http, order_id, 2000, "day-key") == first
        assert _refunds(http, order_id) == [(first, 1000, "2027-01-15T08:00:00Z")]
        assert server.advance_clock(1) == {"now": "2027-01-16T08:00:00Z", "advanced_seconds": DAY}
        # 24 hours on, the key is forgotten: the same request refunds a second time.
        second = _refund(http, order_id, 1000, "day-key")
        assert second != first
        assert _refunds(http, order_id) == [
            (first, 1000, "2027-01-15T08:00:00Z"),
            (second, 1000, "2027-01-16T08:00:00Z"),
        ]
        # The new record starts a new window.
        assert _refund(http, order_id, 1000, "day-key") == second


def test_a_short_ttl_from_python() -> None:
    now = [T0]
    with SandboxServer(clock=lambda: now[0], idempotency_ttl=2) as server, _http(server) as http:
        assert server.sandbox.idempotency_ttl == 2
        order_id = seed_order(http)
        first = _refund(http, order_id, 100, "short")
        now[0] += 1.5  # the injected clock and the offset add up
        assert _refund(http, order_id, 100, "short") == first
        assert server.advance_clock(0.5) == {"now": "2027-01-15T08:00:02Z", "advanced_seconds": 0.5}
        second = _refund(http, order_id, 100, "short")
        assert [r[:2] for r in _refunds(http, order_id)] == [(first, 100), (second, 100)]
        assert second != first


def test_expired_records_are_purged_when_a_new_key_is_claimed() -> None:
    with SandboxServer(clock=lambda: T0, idempotency_ttl=60) as server, _http(server) as http:
        store = server.sandbox.store
        order_id = seed_order(http)
        _refund(http, order_id, 100, "old-1")
        server.advance_clock(30)
        _refund(http, order_id, 100, "old-2")
        server.advance_clock(30)  # old-1 is 60 s old (expired), old-2 is 30 s old
        assert [store.key_state("sandbox", k) for k in ("old-1", "old-2")] == ["done", "done"]
        _refund(http, order_id, 100, "new")
        assert [store.key_state("sandbox", k) for k in ("old-1", "old-2", "new")] == [
            None,
            "done",
            "done",
        ]


def test_the_clock_and_the_keys_survive_a_restart_with_a_database(tmp_path: Path) -> None:
    db = str(tmp_path / "clock.sqlite3")
    with SandboxServer(db=db, clock=lambda: T0) as server, _http(server) as http:
        order_id = seed_order(http)
        server.advance_clock(3600)
        first = _refund(http, order_id, 100, "kept")
    with SandboxServer(db=db, clock=lambda: T0) as server, _http(server) as http:
        assert http.get("/sandbox/clock").json() == {
            "now": "2027-01-15T09:00:00Z",
            "advanced_seconds": 3600,
        }
        assert _refund(http, order_id, 100, "kept") == first
        server.advance_clock(DAY)
        assert _refund(http, order_id, 100, "kept") != first


def test_the_fixture_moves_the_clock(klarna_sandbox: SandboxServer, raw: httpx.Client) -> None:
    before = time.time()
    moved = klarna_sandbox.advance_clock(3600)
    assert (moved["advanced_seconds"], klarna_sandbox.clock()["advanced_seconds"]) == (3600, 3600)
    order_id = seed_order(raw)
    refund_id = _refund(raw, order_id, 100, "fixture-key")
    ((_, _, refunded_at),) = _refunds(raw, order_id)
    for stamp in (moved["now"], refunded_at, raw.get("/sandbox/clock").json()["now"]):
        moment = dt.datetime.fromisoformat(stamp).timestamp()
        assert before + 3600 - 1 <= moment <= time.time() + 3600
    klarna_sandbox.advance_clock(DAY)
    assert _refund(raw, order_id, 100, "fixture-key") != refund_id


def test_reset_sets_the_clock_back(klarna_sandbox: SandboxServer, raw: httpx.Client) -> None:
    assert (
        raw.post("/sandbox/clock", json={"advance_seconds": 90.5}).json()["advanced_seconds"]
        == 90.5
    )
    assert raw.post("/sandbox/reset").status_code == 204
    assert raw.get("/sandbox/clock").json()["advanced_seconds"] == 0
    klarna_sandbox.advance_clock(10)
    klarna_sandbox.reset()
    assert klarna_sandbox.clock()["advanced_seconds"] == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"advance_seconds": -1}, f"from 0 to {MAX_SECONDS}, not -1"),
        ({"advance_seconds": -0.001}, f"from 0 to {MAX_SECONDS}, not -0.001"),
        ({"advance_seconds": "60"}, f'from 0 to {MAX_SECONDS}, not "60"'),
        ({"advance_seconds": True}, f"from 0 to {MAX_SECONDS}, not true"),
        ({"advance_seconds": None}, f"from 0 to {MAX_SECONDS}, not null"),
        ({"advance_seconds": [1]}, f"from 0 to {MAX_SECONDS}, not [1]"),
        ({"advance_seconds": MAX_SECONDS + 1}, f"from 0 to {MAX_SECONDS}, not {MAX_SECONDS + 1}"),
    ],
)
def test_a_bad_advance_is_refused(raw: httpx.Client, body: dict[str, Any], message: str) -> None:
    refused = raw.post("/sandbox/clock", json=body)
    assert _error(refused) == (
        400,
        "BAD_VALUE",
        [f"Bad value: advance_seconds must be a number of seconds {message}"],
    )
    assert raw.get("/sandbox/clock").json()["advanced_seconds"] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{}", "Bad value: advance_seconds is required"),
        (b"", "Bad value: advance_seconds is required"),
        (b'{"advance_second": 5}', "Bad value: unknown field 'advance_second'"),
        (b'{"advance_seconds": 5, "x": 1}', "Bad value: unknown field 'x'"),
        (b"[5]", "Bad value: request body must be an object"),
        (b"5", "Bad value: request body must be an object"),
        (b"{", "Bad value: request body is not JSON"),
        (
            b'{"advance_seconds": NaN}',
            f"Bad value: advance_seconds must be a number of seconds from 0 to {MAX_SECONDS}, "
            "not NaN",
        ),
        (
            b'{"advance_seconds": 1e400}',
            f"Bad value: advance_seconds must be a number of seconds from 0 to {MAX_SECONDS}, "
            "not Infinity",
        ),
    ],
)
def test_a_bad_clock_body_is_refused(raw: httpx.Client, content: bytes, message: str) -> None:
    refused = raw.post("/sandbox/clock", content=content)
    assert _error(refused) == (400, "BAD_VALUE", [message])
    assert raw.get("/sandbox/clock").json()["advanced_seconds"] == 0


def test_the_clock_needs_credentials(klarna_sandbox: SandboxServer) -> None:
    url = f"{klarna_sandbox.base_url}/sandbox/clock"
    for response in (httpx.get(url), httpx.post(url, json={"advance_seconds": 1})):
        assert _error(response) == (401, "UNAUTHORIZED", ["Missing or wrong credentials."])
    assert klarna_sandbox.clock()["advanced_seconds"] == 0


def test_the_total_advance_is_bounded(klarna_sandbox: SandboxServer) -> None:
    klarna_sandbox.advance_clock(MAX_SECONDS - 10)
    klarna_sandbox.advance_clock(10)  # exactly the bound
    with pytest.raises(SandboxError) as info:
        klarna_sandbox.advance_clock(0.5)
    err = info.value
    assert (err.status, err.error_code, err.message) == (
        400,
        "BAD_VALUE",
        "Bad value: advance_seconds must be a number of seconds from 0 to 0, not 0.5",
    )
    assert klarna_sandbox.clock()["advanced_seconds"] == MAX_SECONDS


@pytest.mark.parametrize(
    "ttl", [0, -1, 0.0, float("nan"), float("inf"), True, "60", MAX_SECONDS + 1]
)
def test_a_bad_ttl_is_refused(ttl: Any) -> None:
    expected = (
        f"idempotency_ttl must be a number of seconds above 0 and at most {MAX_SECONDS}, "
        f"not {ttl!r}"
    )
    with pytest.raises(ValueError) as info:
        SandboxServer(idempotency_ttl=ttl)
    assert str(info.value) == expected
    with pytest.raises(ValueError) as info:
        build_sandbox(idempotency_ttl=ttl)
    assert str(info.value) == expected


def test_the_app_builder_takes_the_ttl_in_process() -> None:
    sandbox = build_sandbox(clock=lambda: T0, idempotency_ttl=10)

    async def scenario() -> list[Any]:
        seen: list[Any] = []
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=sandbox.app),
            base_url="http://sandbox.test",
            auth=("sandbox", "sandbox"),
        ) as http:
            seed = {"order_amount": 1000, "captures": [{"captured_amount": 1000}]}
            order_id = (await http.post("/sandbox/orders", json=seed)).json()["order_id"]
            url, headers = f"{BASE}/{order_id}/refunds", {KEY: "asgi"}
            for advance in (None, 9.5, 0.5):
                if advance == 9.5:
                    seen.append(sandbox.advance_clock(advance))  # the method, in process
                elif advance is not None:
                    clock = await http.post("/sandbox/clock", json={"advance_seconds": advance})
                    seen.append(clock.json())
                refund = await http.post(url, json={"refunded_amount": 100}, headers=headers)
                seen.append(refund.headers["refund-id"])
            order = (await http.get(f"{BASE}/{order_id}")).json()
            seen.append([(r["refund_id"], r["refunded_at"]) for r in order["refunds"]])
        return seen

    try:
        first, moved, replayed, moved_again, second, refunds = asyncio.run(scenario())
    finally:
        sandbox.store.close()
    assert (moved, replayed, moved_again) == (
        {"now": "2027-01-15T08:00:09Z", "advanced_seconds": 9.5},
        first,
        {"now": "2027-01-15T08:00:10Z", "advanced_seconds": 10},
    )
    assert second != first
    assert refunds == [(first, "2027-01-15T08:00:00Z"), (second, "2027-01-15T08:00:10Z")]


def test_a_refund_keeps_its_reference_and_amount_in_the_order() -> None:
    with SandboxServer(clock=lambda: T0) as server, _http(server) as http:
        order_id = seed_order(http)
        body = {"refunded_amount": 2500, "reference": "return-2027-0042", "description": "Return"}
        made = http.post(f"{BASE}/{order_id}/refunds", json=body, headers={KEY: "with-ref"})
        plain = http.post(f"{BASE}/{order_id}/refunds", json={"refunded_amount": 500})
        assert http.get(f"{BASE}/{order_id}").json()["refunds"] == [
            {
                "refund_id": made.headers["refund-id"],
                "refunded_amount": 2500,
                "refunded_at": "2027-01-15T08:00:00Z",
                "credit_invoice": False,
                "description": "Return",
                "reference": "return-2027-0042",
            },
            {
                "refund_id": plain.headers["refund-id"],
                "refunded_amount": 500,
                "refunded_at": "2027-01-15T08:00:00Z",
                "credit_invoice": False,
            },
        ]


@contextmanager
def _command(*args: str, env: dict[str, str] | None = None) -> Iterator[httpx.Client]:
    """``klarna-om-sandbox`` in a subprocess on a free port, and a client for it."""
    with (
        sandbox_command(*args, env=env) as base_url,
        httpx.Client(
            base_url=base_url,
            auth=("sandbox", "sandbox"),
            transport=checked_transport(requests=False),
        ) as http,
    ):
        yield http


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--idempotency-ttl", "60"], {"KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL": "7"}),
        ([], {"KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL": "60"}),
    ],
    ids=["option", "environment"],
)
def test_the_command_takes_a_short_ttl(args: list[str], env: dict[str, str]) -> None:
    with _command(*args, env=env) as http:
        order_id = seed_order(http)
        first = _refund(http, order_id, 100, "cli-key")
        # The clock runs for real here too: advance to 50 s, leaving 10 s to spare.
        assert http.post("/sandbox/clock", json={"advance_seconds": 50}).status_code == 200
        assert _refund(http, order_id, 100, "cli-key") == first
        assert (
            http.post("/sandbox/clock", json={"advance_seconds": 10}).json()["advanced_seconds"]
            == 60
        )
        second = _refund(http, order_id, 100, "cli-key")
        assert second != first
        assert [r[:2] for r in _refunds(http, order_id)] == [(first, 100), (second, 100)]
