"""The spec fragment says what Klarna's definition (vendored in spec/upstream/) says about each
of its operations."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from tests._support.spec_tools import (
    SPEC_PATH,
    header_parameters,
    iter_examples,
    load_spec,
    operations,
    resolve,
    validator_for,
)

BASE = "/ordermanagement/v1/orders/{order_id}"
IDEMPOTENCY = "Klarna-Idempotency-Key"
UPSTREAM = SPEC_PATH.parent / "upstream" / "klarna-om-openapi-2026.yml"
#: Our operationIds that differ from Klarna's (the operation's description says why).
RENAMED = {"getRefund": "get"}


def _upstream() -> dict[str, tuple[str, str, str]]:
    with UPSTREAM.open(encoding="utf-8") as f:
        klarna = yaml.safe_load(f)
    return {
        op_id: (method, path, next(c for c in op["responses"] if c.startswith("2")))
        for op_id, (method, path, op) in operations(klarna).items()
    }


# operationId -> (method, path, success status), as Klarna's own definition says
EXPECTED = {ours: _upstream()[RENAMED.get(ours, ours)] for ours in operations(load_spec())}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec()


def test_every_operation_is_klarnas(spec: dict[str, Any]) -> None:
    klarna = _upstream()
    ours = {RENAMED.get(op_id, op_id) for op_id in operations(spec)}
    assert sorted(ours - set(klarna)) == []
    found = {op_id: (method, path) for op_id, (method, path, _) in operations(spec).items()}
    assert found == {op_id: (m, p) for op_id, (m, p, _) in EXPECTED.items()}


@pytest.mark.parametrize("operation_id", sorted(EXPECTED))
def test_operation_method_path_and_success_status(spec: dict[str, Any], operation_id: str) -> None:
    method, path, success = EXPECTED[operation_id]
    op = spec["paths"][path][method]
    assert op["operationId"] == operation_id
    successes = sorted(code for code in op["responses"] if code.startswith("2"))
    assert successes == [success]


@pytest.mark.parametrize("operation_id", sorted(EXPECTED))
def test_idempotency_header_on_post_and_patch_only(spec: dict[str, Any], operation_id: str) -> None:
    method, path, _ = EXPECTED[operation_id]
    headers = header_parameters(spec, spec["paths"][path][method])
    if method in ("post", "patch"):
        assert headers == {
            IDEMPOTENCY: {
                "name": IDEMPOTENCY,
                "in": "header",
                "required": False,
                "description": headers[IDEMPOTENCY]["description"],
                "schema": {"type": "string"},
                "example": headers[IDEMPOTENCY]["example"],
            }
        }
    else:
        assert headers == {}


def test_refund_created_has_location_and_refund_id_headers_and_no_body(
    spec: dict[str, Any],
) -> None:
    created = spec["paths"][f"{BASE}/refunds"]["post"]["responses"]["201"]
    assert "content" not in created
    headers = {name: (h["required"], h["schema"]) for name, h in created["headers"].items()}
    assert headers == {
        "Location": (True, {"type": "string", "format": "uri"}),
        "Refund-Id": (True, {"type": "string"}),
    }
    assert created["links"]["GetRefundByRefundId"]["parameters"] == {
        "order_id": "$request.path.order_id",
        "refund_id": "$response.header.Refund-Id",
    }


@pytest.mark.parametrize("operation_id", ["releaseRemainingAuthorization", "extendDueDate"])
def test_bodiless_204(spec: dict[str, Any], operation_id: str) -> None:
    method, path, _ = EXPECTED[operation_id]
    assert spec["paths"][path][method]["responses"]["204"] == {
        "description": spec["paths"][path][method]["responses"]["204"]["description"]
    }


def test_release_has_no_request_body(spec: dict[str, Any]) -> None:
    assert "requestBody" not in spec["paths"][f"{BASE}/release-remaining-authorization"]["post"]


@pytest.mark.parametrize("operation_id", sorted(EXPECTED))
def test_every_error_response_uses_the_shared_error_schema(
    spec: dict[str, Any], operation_id: str
) -> None:
    method, path, _ = EXPECTED[operation_id]
    op = spec["paths"][path][method]
    errors = {code: resolve(spec, r) for code, r in op["responses"].items() if code[0] in "45"}
    expected_codes = {"400", "401", "404", "429", "500", "503"}
    if method != "get":
        expected_codes |= {"403", "409"}
    assert set(errors) == expected_codes
    for response in errors.values():
        media = response["content"]["application/json"]
        assert list(response["content"]) == ["application/json"]
        assert media["schema"] == {"$ref": "#/components/schemas/ErrorMessage"}
        assert set(media["example"]) == {"error_code", "error_messages", "correlation_id"}


def test_every_request_body_and_json_response_has_an_example(spec: dict[str, Any]) -> None:
    missing = []
    for op_id, (_, _, op) in operations(spec).items():
        media_types = []
        if "requestBody" in op:
            media_types.append(("request", op["requestBody"]["content"]["application/json"]))
        for code, response in op["responses"].items():
            for media in resolve(spec, response).get("content", {}).values():
                media_types.append((code, media))
        missing += [
            (op_id, where) for where, m in media_types if not ("example" in m or "examples" in m)
        ]
    assert missing == []


def test_every_example_validates_against_its_schema(spec: dict[str, Any]) -> None:
    examples = list(iter_examples(spec))
    failures = [
        (where, error.message)
        for where, schema_ptr, value in examples
        for error in validator_for(spec, schema_ptr).iter_errors(value)
    ]
    assert failures == []
    # Every example in the document was visited (counted independently of iter_examples).
    assert len(examples) == _count_examples(spec)


def _count_examples(node: Any) -> int:
    if isinstance(node, list):
        return sum(_count_examples(v) for v in node)
    if not isinstance(node, dict):
        return 0
    own = ("example" in node) + len(node.get("examples", {}))
    return own + sum(
        _count_examples(v) for k, v in node.items() if k not in ("example", "examples")
    )


def test_the_example_check_catches_a_wrong_example(spec: dict[str, Any]) -> None:
    broken = copy.deepcopy(spec)
    media = broken["paths"][f"{BASE}/refunds"]["post"]["requestBody"]["content"]["application/json"]
    media["examples"]["amount_only"]["value"] = {"refunded_amount": 300_000_000}
    failures = [
        where
        for where, schema_ptr, value in iter_examples(broken)
        if list(validator_for(broken, schema_ptr).iter_errors(value))
    ]
    assert failures == [
        "/paths/~1ordermanagement~1v1~1orders~1{order_id}~1refunds/post/requestBody"
        "/content/application~1json/examples/amount_only"
    ]


def test_order_line_type_is_klarnas_nine_values_and_open(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["OrderLineType"]["enum"] == [
        "physical",
        "discount",
        "shipping_fee",
        "sales_tax",
        "store_credit",
        "gift_card",
        "digital",
        "surcharge",
        "return_fee",
    ]
    assert schemas["OrderLine"]["properties"]["type"]["anyOf"] == [
        {"$ref": "#/components/schemas/OrderLineType"},
        {"type": "string"},
    ]
    validator = validator_for(spec, "/components/schemas/OrderLine")
    line = {"name": "x", "quantity": 1, "unit_price": 1, "total_amount": 1, "type": "brand_new"}
    assert list(validator.iter_errors(line)) == []
    assert [e.message for e in validator.iter_errors({**line, "type": 3})] != []


def test_amount_bounds_follow_klarnas_current_definition(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    line = schemas["OrderLine"]["properties"]
    bounds = {
        "refunded_amount": schemas["RefundObject"]["properties"]["refunded_amount"],
        "unit_price": line["unit_price"],
        "total_amount": line["total_amount"],
        "total_discount_amount": line["total_discount_amount"],
        "total_tax_amount": line["total_tax_amount"],
    }
    assert {k: (v.get("minimum"), v.get("maximum"), v["format"]) for k, v in bounds.items()} == {
        "refunded_amount": (1, 200_000_000, "int64"),  # Klarna: 0, see spec/deviations.yaml
        "unit_price": (None, 200_000_000, "int64"),
        "total_amount": (None, 200_000_000, "int64"),
        "total_discount_amount": (0, 200_000_000, "int64"),
        "total_tax_amount": (None, 200_000_000, "int64"),
    }


def test_security_and_servers(spec: dict[str, Any]) -> None:
    assert spec["security"] == [{"basicAuth": []}]
    assert spec["components"]["securitySchemes"]["basicAuth"]["scheme"] == "basic"
    assert [s["url"] for s in spec["servers"]] == [
        "https://api.klarna.com",
        "https://api.playground.klarna.com",
        "https://api-na.klarna.com",
        "https://api-na.playground.klarna.com",
        "https://api-oc.klarna.com",
        "https://api-oc.playground.klarna.com",
        "https://api.kustom.co",
        "https://api.playground.kustom.co",
    ]
    assert {s["x-klarna-om-provider"] for s in spec["servers"]} == {"klarna", "kustom"}
    for _, _, op in operations(spec).values():
        assert set(op["x-klarna-om-providers"]) <= {"klarna", "kustom"}
        assert "security" not in op  # top level only: the generator's notes, rule 2
