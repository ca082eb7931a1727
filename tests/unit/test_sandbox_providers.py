"""The sandbox as Klarna or Kustom, and with Klarna's rate limit, read from spec/.

As Kustom, the operations spec/ does not list for Kustom (``x-klarna-om-providers``: the
extend-due-date pair) answer like an unknown path, and an order id that is not a UUID
(``x-klarna-om-provider-schema``) is 404 ``NOT_FOUND``. ``rate_limit=`` wires ``RateLimiter``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from klarna_om_generated.api import OPERATIONS, PROVIDERS, SERVERS
from klarna_om_sandbox import (
    InProcessTransport,
    RateLimiter,
    Sandbox,
    SandboxError,
    build_sandbox,
)
from klarna_om_sandbox.__main__ import parser

BASE = "/ordermanagement/v1/orders"
OID = "f3392f8b-6116-4073-ab96-e330819e2c07"
CID = "4ba29b50-be7b-44f5-a492-113e6a865e22"


def _client(sandbox: Sandbox) -> httpx.Client:
    return httpx.Client(
        transport=InProcessTransport(sandbox.app),
        base_url="http://sandbox",
        auth=("sandbox", "sandbox"),
    )


@pytest.fixture(params=["klarna", "kustom"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, httpx.Client]]:
    sandbox = build_sandbox(provider=request.param)
    sandbox.seed_order(
        {
            "order_amount": 1000,
            "order_id": OID,
            "captures": [{"captured_amount": 1000, "capture_id": CID}],
        }
    )
    with _client(sandbox) as http:
        yield sandbox, http
    sandbox.store.close()


def test_the_record_says_who_serves_each_operation() -> None:
    assert PROVIDERS == ("klarna", "kustom")
    for op_id, operation in OPERATIONS.items():
        klarna_only = op_id in ("getOptionsForExtendDueDate", "extendDueDate")
        expected = ("klarna",) if klarna_only else ("klarna", "kustom")
        assert operation.providers == expected, op_id
    kustom = {(s.url, s.playground) for s in SERVERS if s.provider == "kustom"}
    assert kustom == {("https://api.kustom.co", False), ("https://api.playground.kustom.co", True)}
    assert {s.region for s in SERVERS if s.provider == "klarna"} == {"eu", "na", "oc"}


def test_every_provider_serves_what_spec_lists_for_it(
    served: tuple[Sandbox, httpx.Client],
) -> None:
    sandbox, http = served
    assert http.get(f"{BASE}/{OID}").json()["order_id"] == OID
    assert http.post(f"{BASE}/{OID}/refunds", json={"refunded_amount": 100}).status_code == 201
    options = http.get(f"{BASE}/{OID}/captures/{CID}/extend-due-date-options")
    extend = http.patch(f"{BASE}/{OID}/captures/{CID}/extend-due-date", json={"number_of_days": 10})
    if sandbox.provider == "klarna":
        assert (options.status_code, extend.status_code) == (200, 204)
        return
    for answer in (options, extend):  # like an unknown path: Klarna's error body
        body = answer.json()
        assert (answer.status_code, body["error_code"]) == (404, "NOT_FOUND")
        assert set(body) == {"error_code", "error_messages", "correlation_id"}
    unknown = http.get(f"{BASE}/{OID}/no-such-thing")
    assert (unknown.status_code, unknown.json()["error_code"]) == (404, "NOT_FOUND")


def test_kustom_order_ids_are_uuids(served: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, http = served
    answer = http.get(f"{BASE}/order-1")
    body = answer.json()
    if sandbox.provider == "klarna":
        assert (answer.status_code, body["error_code"]) == (404, "NO_SUCH_ORDER")
        sandbox.seed_order({"order_amount": 100, "order_id": "order-1"})
        assert http.get(f"{BASE}/order-1").status_code == 200
        return
    assert (answer.status_code, body["error_code"]) == (404, "NOT_FOUND")
    refund = http.post(f"{BASE}/order-1/refunds", json={"refunded_amount": 1})
    assert (refund.status_code, refund.json()["error_code"]) == (404, "NOT_FOUND")
    with pytest.raises(SandboxError) as info:
        sandbox.seed_order({"order_amount": 100, "order_id": "order-1"})
    assert (info.value.status, info.value.error_code) == (400, "BAD_VALUE")
    seeded = sandbox.seed_order({"order_amount": 100})  # a new id is a UUID
    assert uuid.UUID(seeded["order_id"])
    assert http.get(f"{BASE}/{OID.upper()}").status_code == 404  # a UUID, but no such order


def test_a_wrong_provider_or_rate_is_refused_before_anything_opens() -> None:
    with pytest.raises(ValueError, match="provider must be one of klarna, kustom"):
        build_sandbox(provider="klarna-us")
    for rate in (0, -1, float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="rate must be"):
            build_sandbox(rate_limit=rate)


def test_rate_limit_answers_klarnas_429_beyond_it() -> None:
    sandbox = build_sandbox(rate_limit=2)
    assert isinstance(sandbox.app, RateLimiter)
    sandbox.seed_order({"order_amount": 100, "order_id": OID})
    with _client(sandbox) as http:
        answers = [http.get(f"{BASE}/{OID}") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["x-ratelimit-remaining"] == "1"
    limited = answers[2]
    assert limited.json()["error_code"] == "TOO_MANY_REQUESTS"
    assert limited.headers["x-ratelimit-limit"] == "2, 2;w=1"
    assert int(limited.headers["x-ratelimit-reset"]) >= 1
    assert "retry-after" not in limited.headers
    sandbox.store.close()


def test_no_rate_limit_by_default() -> None:
    sandbox = build_sandbox()
    assert not isinstance(sandbox.app, RateLimiter)
    with _client(sandbox) as http:
        answer = http.get(f"{BASE}/{OID}")
    assert "x-ratelimit-remaining" not in answer.headers
    sandbox.store.close()


def test_the_command_line_takes_provider_and_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    args = parser().parse_args([])
    assert (args.provider, args.rate_limit) == ("klarna", None)
    args = parser().parse_args(["--provider", "kustom", "--rate-limit", "50"])
    assert (args.provider, args.rate_limit) == ("kustom", 50.0)
    monkeypatch.setenv("KLARNA_OM_SANDBOX_PROVIDER", "kustom")
    monkeypatch.setenv("KLARNA_OM_SANDBOX_RATE_LIMIT", "0.5")
    args = parser().parse_args([])
    assert (args.provider, args.rate_limit) == ("kustom", 0.5)
    for bad in (["--rate-limit", "0"], ["--rate-limit", "x"], ["--provider", "paypal"]):
        with pytest.raises(SystemExit):
            parser().parse_args(bad)
