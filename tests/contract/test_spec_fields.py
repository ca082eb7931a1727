"""The generated ``SPEC_FIELDS`` say what spec/ declares, and the client keeps no copy of it.

Every model's field rules (kind, required, bounds) are compared with the schema itself, so a
template that drops a bound fails here; the checks before sending read only those rules.
"""

from __future__ import annotations

from typing import Any

import pytest

import klarna_om_generated.models
from klarna_om import _money
from klarna_om_generated.types import FieldRule
from tests._support.spec_tools import load_spec, resolve

INT32 = (-(2**31), 2**31 - 1)
SCHEMAS = sorted(
    name
    for name, schema in load_spec()["components"]["schemas"].items()
    if schema.get("type") == "object" and "properties" in schema
)


def _expected(name: str, schema: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    spec = load_spec()
    required = set(schema.get("required", []))
    found = {}
    for prop, raw in schema["properties"].items():
        value = resolve(spec, raw)
        low, high = value.get("minimum"), value.get("maximum")
        if value.get("format") == "int32":
            low = INT32[0] if low is None else low
            high = INT32[1] if high is None else high
        found[prop] = (
            prop in required,
            low,
            high,
            value.get("maxLength"),
            value.get("maxItems"),
        )
    return found


def _rules(name: str) -> dict[str, tuple[Any, ...]]:
    rules: tuple[FieldRule, ...] = getattr(klarna_om_generated.models, name).SPEC_FIELDS
    return {r.name: (r.required, r.minimum, r.maximum, r.max_length, r.max_items) for r in rules}


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_model_states_its_schemas_bounds(name: str) -> None:
    schema = load_spec()["components"]["schemas"][name]
    assert _rules(name) == _expected(name, schema)


def test_the_models_checked_before_sending_are_all_there() -> None:
    assert {"RefundObject", "OrderLine", "ProductIdentifiers", "Subscription"} <= set(SCHEMAS)
    kinds = {r.name: (r.kind, r.model) for r in klarna_om_generated.models.OrderLine.SPEC_FIELDS}
    assert kinds["product_identifiers"] == ("object", "ProductIdentifiers")
    assert kinds["type"] == ("open_enum", None)


def test_the_money_module_reads_its_bound_from_the_spec() -> None:
    refunded = load_spec()["components"]["schemas"]["RefundObject"]["properties"]["refunded_amount"]
    assert refunded["maximum"] == _money.MAX_AMOUNT
    assert not [n for n in vars(_money) if n.endswith(("_LIMITS", "_BOUNDS", "_REQUIRED"))]
