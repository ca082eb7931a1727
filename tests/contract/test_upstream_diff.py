"""`make upstream-diff`: our operations against Klarna's definitions, explained by the ledger.

Against the vendored copies nothing is unexplained; a change planted in a copy of Klarna's
definition (a new field, a changed maximum, a removed enum value, a new required parameter) is
reported, each as one line naming the operation, the field, the aspect and both values.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import upstream_diff  # noqa: E402

UPSTREAM_2026 = ROOT / "spec" / "upstream" / "klarna-om-openapi-2026.yml"
Plant = Callable[[dict[str, Any]], None]


def _upstream() -> dict[str, Any]:
    return upstream_diff.load(UPSTREAM_2026)


def test_the_vendored_copies_differ_only_as_the_ledger_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert upstream_diff.main([]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] + ":" + line.split(":")[1] for line in out] == [
        "upstream-diff: klarna-om-openapi-2024-01.json",
        "upstream-diff: klarna-om-openapi-2026.yml",
    ]
    assert all(line.endswith(", 0 not") for line in out)


def test_every_ledger_entry_says_why_and_explains_something() -> None:
    ledger = yaml.safe_load((ROOT / "spec" / "deviations.yaml").read_text(encoding="utf-8"))
    entries = ledger["deviations"]
    assert len(entries) == 14
    ours = upstream_diff.load(upstream_diff.SPEC)
    for index, entry in enumerate(entries):
        assert len(entry["why"].split()) >= 8, index
        assert any(
            upstream_diff.explains(entry, difference, path.stem)
            for path in upstream_diff.upstream_files()
            for difference in upstream_diff.compare(ours, upstream_diff.load(path))
        ), index


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


def new_field(doc: dict[str, Any]) -> None:
    _schemas(doc)["Refund"]["properties"]["processed_amount"] = {
        "type": "integer",
        "format": "int64",
    }


def changed_maximum(doc: dict[str, Any]) -> None:
    _schemas(doc)["RefundObject"]["properties"]["refunded_amount"]["maximum"] = 500000000


def removed_enum_value(doc: dict[str, Any]) -> None:
    status = _schemas(doc)["MerchantOrderDto"]["properties"]["status"]
    status["enum"].remove("EXPIRED")


def new_required_parameter(doc: dict[str, Any]) -> None:
    doc["paths"]["/ordermanagement/v1/orders/{order_id}/refunds"]["post"]["parameters"].append(
        {
            "name": "Klarna-Merchant-Id",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
        }
    )


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        (
            new_field,
            [
                "getOrder response.200.body.refunds[].processed_amount property: "
                'Klarna "declared", ours absent',
                "getRefund response.200.body.processed_amount property: "
                'Klarna "declared", ours absent',
            ],
        ),
        (
            changed_maximum,
            ["refundOrder request.body.refunded_amount maximum: Klarna 500000000, ours 200000000"],
        ),
        (
            removed_enum_value,
            ['getOrder response.200.body.status enum value EXPIRED: Klarna absent, ours "listed"'],
        ),
        (
            new_required_parameter,
            [
                "refundOrder parameter.header.klarna-merchant-id parameter: "
                'Klarna "declared", ours absent'
            ],
        ),
    ],
)
def test_a_change_planted_upstream_is_reported(
    tmp_path: Path, plant: Plant, expected: list[str]
) -> None:
    doc = copy.deepcopy(_upstream())
    plant(doc)
    planted = tmp_path / "klarna-om-openapi-2026.yml"
    planted.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "upstream_diff.py"), str(planted)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    lines = done.stdout.splitlines()
    assert lines[0].startswith("upstream-diff: klarna-om-openapi-2026.yml: ")
    assert lines[0].endswith(f", {len(expected)} not")
    assert [line.strip() for line in lines[1:]] == expected
