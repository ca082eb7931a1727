"""Every operation and Klarna rule, through the public client against the sandbox.

Each test runs with the sandbox as Klarna and as Kustom (the ``provider`` fixture): the same
paths, bodies and rules. The extend-due-date tests run as Klarna only (Kustom does not offer
those operations); one test checks what Kustom answers there, and to an order id that is not
a UUID.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from klarna_om import (
    AsyncKlarnaOrderManagement,
    AuthenticationError,
    KlarnaOrderManagement,
    NotFoundError,
    OrderLineType,
    PermissionDeniedError,
    ReturnFee,
)
from klarna_om_sandbox import SandboxServer
from tests._support.data import JEANS, TSHIRT
from tests.e2e.conftest import (
    PROVIDERS,
    ClientFactory,
    async_checked_transport,
    checked_transport,
    one_capture_order,
)

BASE = "/ordermanagement/v1/orders"
#: For the tests of operations Kustom does not offer (extend-due-date).
KLARNA_ONLY = pytest.mark.parametrize("provider", ["klarna"])


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    """Every test of this module, as each provider the sandbox plays."""
    name: str = request.param
    return name


def _error(err: Any) -> tuple[int, str | None, list[str]]:
    return err.status_code, err.error_code, err.error_messages


def test_partial_refund_then_read_it_back(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = one_capture_order(klarna_sandbox)
    created = client.refund_order(
        order["order_id"], 4000, reference="ref-1", description="Partial refund"
    )
    assert created.location == (
        f"{klarna_sandbox.base_url}{BASE}/{order['order_id']}/refunds/{created.refund_id}"
    )
    refund = client.get_refund(order["order_id"], created.refund_id)
    stored_at = klarna_sandbox.get_order(order["order_id"])["refunds"][0]["refunded_at"]
    assert refund.to_dict() == {
        "refund_id": created.refund_id,
        "refunded_amount": 4000,
        "refunded_at": stored_at.replace("Z", "+00:00"),
        "description": "Partial refund",
        "reference": "ref-1",
        "credit_invoice": False,
    }
    summary = klarna_sandbox.get_order(order["order_id"])
    assert (
        summary["captured_amount"],
        summary["refunded_amount"],
        summary["captures"][0]["refunded_amount"],
        summary["status"],
    ) == (10000, 4000, 4000, "CAPTURED")


def test_return_fee_then_give_it_back(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = one_capture_order(klarna_sandbox)
    charged = client.refund_with_return_fee(
        order["order_id"], [TSHIRT], ReturnFee(500, tax_rate=2500)
    )
    refund = client.get_refund(order["order_id"], charged.refund_id)
    assert refund.to_dict()["refunded_amount"] == 9500
    assert refund.to_dict()["order_lines"] == [
        TSHIRT,
        {
            "type": "return_fee",
            "name": "Return fee",
            "quantity": 1,
            "unit_price": -500,
            "total_amount": -500,
            "tax_rate": 2500,
            "total_tax_amount": -100,
        },
    ]
    assert isinstance(refund.order_lines, tuple)
    assert refund.order_lines[1].type_ is OrderLineType.RETURN_FEE
    client.refund_return_fee(order["order_id"], 500)
    summary = klarna_sandbox.get_order(order["order_id"])
    assert (summary["refunded_amount"], [r["refunded_amount"] for r in summary["refunds"]]) == (
        10000,
        [9500, 500],
    )


def test_a_refund_needs_a_capture(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = klarna_sandbox.create_order(10000)
    with pytest.raises(PermissionDeniedError) as info:
        client.refund_order(order["order_id"], 100)
    assert _error(info.value) == (
        403,
        "REFUND_NOT_ALLOWED",
        ["Order has no captures. Refund not possible."],
    )


def test_over_refund_is_refused_counting_earlier_refunds(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = one_capture_order(klarna_sandbox)
    client.refund_order(order["order_id"], 6000)
    with pytest.raises(PermissionDeniedError) as info:
        client.refund_order(order["order_id"], 4001)
    assert _error(info.value) == (
        403,
        "REFUND_NOT_ALLOWED",
        ["Over refund is not allowed. Refund not possible."],
    )
    assert info.value.correlation_id
    client.refund_order(order["order_id"], 4000)
    assert klarna_sandbox.get_order(order["order_id"])["refunded_amount"] == 10000


def test_lines_must_add_up_to_the_refunded_amount(
    klarna_sandbox: SandboxServer, raw: httpx.Client
) -> None:
    order = one_capture_order(klarna_sandbox)
    response = raw.post(
        f"{BASE}/{order['order_id']}/refunds",
        json={"refunded_amount": 9000, "order_lines": [TSHIRT]},
    )
    assert (
        response.status_code,
        response.json()["error_code"],
        response.json()["error_messages"],
    ) == (
        403,
        "REFUND_NOT_ALLOWED",
        ["Order lines do not add up to refunded_amount. Refund not possible."],
    )


def test_return_fees_need_a_single_full_capture(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    partly = klarna_sandbox.create_order(
        30000,
        order_lines=[TSHIRT, JEANS],
        captures=[{"captured_amount": 10000, "order_lines": [TSHIRT]}],
    )
    two = klarna_sandbox.create_order(
        30000,
        order_lines=[TSHIRT, JEANS],
        captures=[
            {"captured_amount": 10000, "order_lines": [TSHIRT]},
            {"captured_amount": 20000, "order_lines": [JEANS]},
        ],
    )
    for order in (partly, two):
        with pytest.raises(PermissionDeniedError) as info:
            client.refund_with_return_fee(order["order_id"], [TSHIRT], 500)
        assert _error(info.value) == (
            403,
            "REFUND_NOT_ALLOWED",
            ["Return fees need an order captured in full by a single capture."],
        )


def test_a_refund_is_allocated_to_the_capture_whose_lines_match(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = klarna_sandbox.create_order(
        30000,
        order_lines=[TSHIRT, JEANS],
        captures=[
            {"captured_amount": 10000, "order_lines": [TSHIRT]},
            {"captured_amount": 20000, "order_lines": [JEANS]},
        ],
    )
    client.refund_order(order["order_id"], 20000, order_lines=[JEANS])
    client.refund_order(order["order_id"], 3000)  # no lines: the first capture with room
    captures = klarna_sandbox.get_order(order["order_id"])["captures"]
    assert [c["refunded_amount"] for c in captures] == [3000, 20000]


def test_release_remaining_authorization(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement
) -> None:
    order = klarna_sandbox.create_order(30000, captures=[{"captured_amount": 10000}])
    assert klarna_sandbox.get_order(order["order_id"])["remaining_authorized_amount"] == 20000
    client.release_remaining_authorization(order["order_id"])
    summary = klarna_sandbox.get_order(order["order_id"])
    assert (summary["remaining_authorized_amount"], summary["status"]) == (0, "PART_CAPTURED")
    with pytest.raises(PermissionDeniedError) as info:
        client.release_remaining_authorization(order["order_id"])
    assert _error(info.value) == (
        403,
        "NOT_ALLOWED",
        ["Remaining authorization is already released."],
    )


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ({"order_amount": 100, "cancelled": True}, "Can not release when order is cancelled."),
        ({"order_amount": 100}, "Order has no captures. Cancel the order instead."),
        (
            {"order_amount": 100, "captures": [{"captured_amount": 100}]},
            "Order is fully captured. Remaining authorization cannot be released.",
        ),
    ],
)
def test_release_is_refused(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement, seed: dict[str, Any], message: str
) -> None:
    order = klarna_sandbox.create_order(**seed)
    with pytest.raises(PermissionDeniedError) as info:
        client.release_remaining_authorization(order["order_id"])
    assert _error(info.value) == (403, "NOT_ALLOWED", [message])


@KLARNA_ONLY
def test_extend_due_date(klarna_sandbox: SandboxServer, client: KlarnaOrderManagement) -> None:
    order = klarna_sandbox.create_order(
        10000, purchase_currency="SEK", captures=[{"captured_amount": 10000}]
    )
    oid, cid = order["order_id"], order["capture_ids"][0]
    options = client.get_extend_due_date_options(oid, cid)
    assert options.to_dict() == {
        "currency": "SEK",
        "options": [
            {"number_of_days": 2, "amount": 0},
            {"number_of_days": 10, "amount": 2900},
            {"number_of_days": 30, "amount": 4900},
            {"number_of_days": 60, "amount": 7900},
        ],
    }
    with pytest.raises(PermissionDeniedError) as info:
        client.extend_due_date(oid, cid, 7)
    assert _error(info.value) == (
        403,
        "NOT_ALLOWED",
        ["Extension of due date is not possible: 7 days is not offered."],
    )
    client.extend_due_date(oid, cid, 30)
    with pytest.raises(PermissionDeniedError) as info:
        client.extend_due_date(oid, cid, 30)
    assert _error(info.value)[2] == [
        "Extension of due date is not possible: the due date of this capture was already extended."
    ]
    assert client.get_extend_due_date_options(oid, cid).to_dict() == {
        "currency": "SEK",
        "options": [],
    }


@KLARNA_ONLY
def test_not_found_paths(klarna_sandbox: SandboxServer, client: KlarnaOrderManagement) -> None:
    order = one_capture_order(klarna_sandbox)
    oid = order["order_id"]
    cases = [
        (lambda: client.refund_order("nope", 100), ("NOT_FOUND", ["Order nope cannot be found"])),
        (
            lambda: client.get_refund(oid, "r-x"),
            ("NOT_FOUND", [f"Refund r-x cannot be found for order {oid}"]),
        ),
        (
            lambda: client.release_remaining_authorization("nope"),
            ("NO_SUCH_ORDER", ["Order nope cannot be found"]),
        ),
        (
            lambda: client.get_extend_due_date_options(oid, "c-x"),
            ("NO_SUCH_CAPTURE", [f"Capture c-x cannot be found for order {oid}"]),
        ),
        (
            lambda: client.extend_due_date("nope", "c-x", 10),
            ("NO_SUCH_ORDER", ["Order nope cannot be found"]),
        ),
    ]
    call: Callable[[], object]
    for call, expected in cases:
        with pytest.raises(NotFoundError) as info:
            call()
        assert (info.value.error_code, info.value.error_messages) == expected


@pytest.mark.parametrize("provider", ["kustom"])
def test_kustom_has_no_extend_due_date_and_uuid_order_ids(
    klarna_sandbox: SandboxServer, client: KlarnaOrderManagement, raw: httpx.Client
) -> None:
    order = one_capture_order(klarna_sandbox)
    oid, cid = order["order_id"], order["capture_ids"][0]
    uuid.UUID(oid)  # Kustom's sandbox gives its orders UUIDs
    # The extend-due-date routes are unknown paths, for an order and capture that exist.
    for method, path, body in (
        ("GET", f"{BASE}/{oid}/captures/{cid}/extend-due-date-options", None),
        ("PATCH", f"{BASE}/{oid}/captures/{cid}/extend-due-date", {"number_of_days": 30}),
    ):
        response = raw.request(method, path, json=body)
        assert (response.status_code, response.json()["error_code"]) == (404, "NOT_FOUND")
    with pytest.raises(NotFoundError) as info:
        client.get_extend_due_date_options(oid, cid)
    assert (info.value.status_code, info.value.error_code) == (404, "NOT_FOUND")
    # An order id that is not a UUID is 404 NOT_FOUND on every operation, before any rule.
    not_found = (404, "NOT_FOUND", ["Order not found"])
    cases: list[Callable[[], object]] = [
        lambda: client.get_order("nope"),
        lambda: client.refund_order("nope", 100),
        lambda: client.get_refund("nope", "r-x"),
        lambda: client.release_remaining_authorization("nope"),
    ]
    for call in cases:
        with pytest.raises(NotFoundError) as info:
            call()
        assert _error(info.value) == not_found
    # A UUID that names no order is answered as Klarna answers it.
    missing = str(uuid.uuid4())
    with pytest.raises(NotFoundError) as info:
        client.release_remaining_authorization(missing)
    assert _error(info.value) == (404, "NO_SUCH_ORDER", [f"Order {missing} cannot be found"])
    assert client.get_order(oid).order_id == oid


def test_wrong_credentials(make_client: ClientFactory, raw: httpx.Client) -> None:
    with pytest.raises(AuthenticationError) as info:
        make_client(password="wrong").get_refund("o", "r")
    assert _error(info.value) == (401, "UNAUTHORIZED", ["Missing or wrong credentials."])
    for headers in (
        {"Authorization": "Basic !!!"},
        {"Authorization": "Bearer x"},
        {"Authorization": "Basic " + "w7w=" * 3},
    ):
        with httpx.Client(transport=checked_transport(requests=False)) as anonymous:
            response = anonymous.get(f"{raw.base_url}{BASE}/o/refunds/r", headers=headers)
        assert (response.status_code, response.headers["www-authenticate"]) == (
            401,
            'Basic realm="klarna-om sandbox"',
        )
    assert httpx.post(f"{raw.base_url}/sandbox/reset").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"refunded_amount": "100"}, "refunded_amount"),
        ({"refunded_amount": -1}, "refunded_amount"),
        ({"refunded_amount": 2**63}, "refunded_amount"),
        ({"refunded_amount": 2**80}, "refunded_amount"),
        ({}, "refunded_amount"),
        (
            {
                "refunded_amount": 100,
                "order_lines": [{"name": "x", "quantity": 1, "unit_price": 100}],
            },
            "order_lines[0].total_amount",
        ),
        (
            {
                "refunded_amount": 100,
                "order_lines": [
                    {
                        "name": "x",
                        "quantity": 1,
                        "unit_price": 100,
                        "total_amount": 100,
                        "total_tax_amount": -(2**64),
                    }
                ],
            },
            "order_lines[0].total_tax_amount",
        ),
        (
            {
                "refunded_amount": 100,
                "order_lines": [
                    {"name": "x", "quantity": 1, "unit_price": 100, "total_amount": 100, "type": {}}
                ],
            },
            "order_lines[0].type",
        ),
        ({"refunded_amount": 100, "description": "d" * 256}, "description"),
        ([1, 2], "request body"),
    ],
)
def test_bad_requests_name_the_field(
    klarna_sandbox: SandboxServer, raw: httpx.Client, body: Any, field: str
) -> None:
    order = one_capture_order(klarna_sandbox)
    response = raw.post(f"{BASE}/{order['order_id']}/refunds", json=body)
    assert (
        response.status_code,
        response.json()["error_code"],
        response.json()["error_messages"],
    ) == (400, "BAD_VALUE", [f"Bad value: {field}"])


@pytest.mark.parametrize(
    ("content", "headers", "message"),
    [
        (
            b'{"refunded_amount": 1',
            {"Content-Type": "application/json"},
            "Bad value: request body is not valid JSON",
        ),
        (
            b"\xff\xfe\x00",
            {"Content-Type": "application/json"},
            "Bad value: request body is not valid JSON",
        ),
        (b"", {}, "Bad value: request body"),
    ],
)
def test_malformed_bodies(
    klarna_sandbox: SandboxServer,
    raw: httpx.Client,
    content: bytes,
    headers: dict[str, str],
    message: str,
) -> None:
    order = one_capture_order(klarna_sandbox)
    response = raw.post(f"{BASE}/{order['order_id']}/refunds", content=content, headers=headers)
    assert (response.status_code, response.json()["error_messages"]) == (400, [message])


def test_odd_input_never_gives_a_server_error(
    klarna_sandbox: SandboxServer, raw: httpx.Client
) -> None:
    order = one_capture_order(klarna_sandbox)
    oid = order["order_id"]
    odd_ids = ["%00", "%01%1F", "%C3%A9%E2%82%AC", "%F0%9F%92%B3", "%FF%FE", "a%0Ab", "x" * 3000]
    statuses = set()
    for odd in odd_ids:
        for method, path in (
            ("GET", f"{BASE}/{odd}/refunds/{odd}"),
            ("POST", f"{BASE}/{odd}/release-remaining-authorization"),
            ("GET", f"{BASE}/{oid}/captures/{odd}/extend-due-date-options"),
            ("GET", f"{BASE}/{odd}"),
        ):
            statuses.add(raw.request(method, path).status_code)
    body = {
        "refunded_amount": 1,
        "description": "Återbetalning 退款 \u0000\u202e 💳",
        "order_lines": [
            {
                "name": "名前\x07",
                "quantity": 1,
                "unit_price": 1,
                "total_amount": 1,
                "type": "physical\u0000",
            }
        ],
    }
    created = raw.post(
        f"{BASE}/{oid}/refunds", json=body, headers={b"Klarna-Idempotency-Key": "ключ".encode()}
    )
    statuses.add(created.status_code)
    assert statuses == {201, 404}
    refund = raw.get(f"{BASE}/{oid}/refunds/{created.headers['refund-id']}").json()
    assert refund["description"] == body["description"]


def test_seeding_validation(klarna_sandbox: SandboxServer, raw: httpx.Client) -> None:
    bad = [
        {"order_amount": 0},
        {"order_amount": 10, "captures": [{"captured_amount": 11}]},
        {"order_amount": 10, "purchase_currency": "EURO"},
        {"order_amount": "10"},
        {"order_amount": 10, "captures": "x"},
        {"order_amount": 10, "cancelled": True, "captures": [{"captured_amount": 1}]},
    ]
    for seed in bad:
        response = raw.post("/sandbox/orders", json=seed)
        assert (response.status_code, response.json()["error_code"]) == (400, "BAD_VALUE")
    assert raw.post("/sandbox/orders", content=b"{").status_code == 400
    made = raw.post(
        "/sandbox/orders",
        json={"order_amount": 10, "captures": [{"captured_amount": 4}, {"captured_amount": 6}]},
    )
    assert made.status_code == 201 and len(made.json()["capture_ids"]) == 2
    order = raw.get(f"{BASE}/{made.json()['order_id']}").json()
    assert (
        order["status"],
        order["captured_amount"],
        order["remaining_authorized_amount"],
        order["refunds"],
    ) == ("CAPTURED", 10, 0, [])
    assert raw.get(f"{BASE}/unknown").status_code == 404


def test_unknown_routes_and_methods(raw: httpx.Client) -> None:
    missing = raw.get("/nowhere")
    assert (missing.status_code, missing.json()["error_code"]) == (404, "NOT_FOUND")
    wrong = raw.delete(f"{BASE}/o/refunds")
    assert (wrong.status_code, wrong.json()["error_code"]) == (405, "METHOD_NOT_ALLOWED")


def test_the_async_client_against_the_sandbox(klarna_sandbox: SandboxServer) -> None:
    order = one_capture_order(klarna_sandbox)

    async def flow() -> list[int]:
        async with AsyncKlarnaOrderManagement(
            klarna_sandbox.username,
            klarna_sandbox.password,
            base_url=klarna_sandbox.base_url,
            transport=async_checked_transport(),
        ) as client:
            first = await client.refund_order(order["order_id"], 1000)
            second = await client.refund_order(order["order_id"], 2000)
            refunds = [
                await client.get_refund(order["order_id"], r.refund_id) for r in (first, second)
            ]
            with pytest.raises(NotFoundError) as info:
                await client.get_refund(order["order_id"], "missing")
            assert info.value.error_code == "NOT_FOUND"
            return [r.to_dict()["refunded_amount"] for r in refunds]

    assert asyncio.run(flow()) == [1000, 2000]
