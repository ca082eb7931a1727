"""The project's Spectral rules and Redocly catch what they are for: planted violations fail."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests._support.spec_tools import load_spec

ROOT = Path(__file__).resolve().parents[2]
BASE = "/ordermanagement/v1/orders/{order_id}"
ENV = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


def _planted() -> dict[str, Any]:
    spec = copy.deepcopy(load_spec())
    paths = spec["paths"]
    # klarna-operation-examples
    del paths[f"{BASE}/captures/{{capture_id}}/extend-due-date"]["patch"]["requestBody"]["content"][
        "application/json"
    ]["example"]
    # klarna-error-schema
    paths[f"{BASE}/refunds"]["post"]["responses"]["403"]["content"]["application/json"][
        "schema"
    ] = {"type": "object"}
    # klarna-error-json-only
    paths[f"{BASE}/refunds/{{refund_id}}"]["get"]["responses"]["404"]["content"]["text/html"] = {
        "schema": {"type": "string"},
        "example": "<html></html>",
    }
    # klarna-idempotency-key
    paths[f"{BASE}/release-remaining-authorization"]["post"]["parameters"].pop()
    # klarna-header-types
    paths[f"{BASE}/refunds/{{refund_id}}"]["get"]["parameters"].append(
        {"name": "X-Request-Id", "in": "header", "schema": {"type": "string", "format": "uuid"}}
    )
    # klarna-operation-id
    del paths[f"{BASE}/captures/{{capture_id}}/extend-due-date-options"]["get"]["operationId"]
    # klarna-inline-schema-names: generators would name OrderLine.type "OrderLineType" (a component)
    del spec["components"]["schemas"]["OrderLine"]["properties"]["type"]["title"]
    return spec


def test_each_project_rule_catches_its_planted_violation(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(_planted(), sort_keys=False))
    result = subprocess.run(
        [
            str(ROOT / "node_modules/.bin/spectral"),
            "lint",
            str(broken),
            "--ruleset",
            str(ROOT / ".spectral.yaml"),
            "--format",
            "json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )
    assert result.returncode == 1
    found = {r["code"] for r in json.loads(result.stdout) if r["code"].startswith("klarna-")}
    assert found == {
        "klarna-operation-examples",
        "klarna-error-schema",
        "klarna-error-json-only",
        "klarna-idempotency-key",
        "klarna-header-types",
        "klarna-operation-id",
        "klarna-inline-schema-names",
    }


def _inline_schema_findings(spec: dict[str, Any], tmp_path: Path) -> list[tuple[str, ...]]:
    planted = tmp_path / "planted.yaml"
    planted.write_text(yaml.safe_dump(spec, sort_keys=False))
    result = subprocess.run(
        [
            str(ROOT / "node_modules/.bin/spectral"),
            "lint",
            str(planted),
            "--ruleset",
            str(ROOT / ".spectral.yaml"),
            "--format",
            "json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )
    return [
        tuple(r["path"])
        for r in json.loads(result.stdout or "[]")
        if r["code"] == "klarna-inline-schema-names"
    ]


def test_inline_schema_names_judges_the_schema_as_written(tmp_path: Path) -> None:
    spec = copy.deepcopy(load_spec())
    schemas = spec["components"]["schemas"]
    # The fix the rule asks for, done with a named component: OrderLine.type is a $ref to an
    # untitled open enum. Resolved, it would look like an untitled inline anyOf named
    # "OrderLineType" (a component); as written it is named by its component, and passes.
    wrapped = schemas["OrderLine"]["properties"]["type"]
    del wrapped["title"]
    schemas["OrderLineTypeField"] = wrapped
    schemas["OrderLine"]["properties"]["type"] = {"$ref": "#/components/schemas/OrderLineTypeField"}
    # An untitled inline anyOf that generators would name "SubscriptionInterval" still fails.
    del schemas["Subscription"]["properties"]["interval"]["title"]
    assert _inline_schema_findings(spec, tmp_path) == [
        ("components", "schemas", "Subscription", "properties", "interval")
    ]


def test_the_spec_itself_passes_every_rule() -> None:
    result = subprocess.run(
        [
            str(ROOT / "node_modules/.bin/spectral"),
            "lint",
            str(ROOT / "spec" / "klarna-ordermanagement.yaml"),
            "--ruleset",
            str(ROOT / ".spectral.yaml"),
            "--format",
            "json",
            "--quiet",
            "--fail-severity",
            "hint",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )
    assert (result.returncode, json.loads(result.stdout or "[]")) == (0, [])


def test_redocly_fails_on_an_example_that_breaks_its_schema(tmp_path: Path) -> None:
    spec = copy.deepcopy(load_spec())
    spec["paths"][f"{BASE}/refunds/{{refund_id}}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["example"]["refunded_amount"] = "3000"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(spec, sort_keys=False))
    result = subprocess.run(
        [
            str(ROOT / "node_modules/.bin/redocly"),
            "lint",
            str(broken),
            "--config",
            str(ROOT / "redocly.yaml"),
            "--format=json",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
        cwd=ROOT,
    )
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert {p["ruleId"] for p in report["problems"]} == {"no-invalid-media-type-examples"}
