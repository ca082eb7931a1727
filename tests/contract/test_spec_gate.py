"""The breaking-change gate catches five kinds of breaking change; a compatible one passes."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests._support.spec_tools import load_spec

ROOT = Path(__file__).resolve().parents[2]
BASE = "/ordermanagement/v1/orders/{order_id}"
sys.path.insert(0, str(ROOT / "scripts"))
import spec_gate  # noqa: E402


def _remove_operation(spec: dict[str, Any]) -> None:
    del spec["paths"][f"{BASE}/release-remaining-authorization"]


def _new_required_request_field(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["RefundObject"]["required"].append("reference")


def _remove_enum_value(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["OrderLineType"]["enum"].remove("return_fee")


def _change_response_type(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["Refund"]["properties"]["refunded_amount"] = {
        "type": "string",
        "description": "Refunded amount.",
    }


def _make_header_required(spec: dict[str, Any]) -> None:
    spec["components"]["parameters"]["IdempotencyKey"]["required"] = True


def _add_optional_field(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["RefundObject"]["properties"]["credit_invoice"] = {
        "type": "boolean",
        "description": "B2B only.",
    }


def _diff(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> tuple[int, list[Any]]:
    new = copy.deepcopy(load_spec())
    change(new)
    after = tmp_path / "after.yaml"
    after.write_text(yaml.safe_dump(new, sort_keys=False))
    result = subprocess.run(
        [
            "node",
            str(ROOT / "scripts/spec_diff.cjs"),
            str(ROOT / "spec/klarna-ordermanagement.yaml"),
            str(after),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (_remove_operation, f"paths.{BASE}/release-remaining-authorization.post"),
        (_new_required_request_field, "components.schemas.RefundObject.required.1"),
        (_remove_enum_value, "components.schemas.OrderLineType.enum.8"),
        (_change_response_type, "components.schemas.Refund.properties.refunded_amount.type"),
        (_make_header_required, f"paths.{BASE}/refunds.post.parameters.1.required"),
    ],
)
def test_each_breaking_change_is_caught(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], where: str
) -> None:
    code, changes = _diff(tmp_path, change)
    assert code == 2
    assert where in {c["path"] for c in changes if c["type"] == "breaking"}


def test_an_added_optional_field_passes(tmp_path: Path) -> None:
    code, changes = _diff(tmp_path, _add_optional_field)
    assert code == 0
    assert {(c["type"], c["path"]) for c in changes} == {
        ("non-breaking", "components.schemas.RefundObject.properties.credit_invoice"),
        (
            "non-breaking",
            f"paths.{BASE}/refunds.post.requestBody.content.application/json"
            ".schema.properties.credit_invoice",
        ),
    }


def test_the_unreleased_section_decides() -> None:
    changelog = (
        "# Changelog\n\n## [Unreleased]\n\n### Changed\n\n- ⚠️ `reference` is required\n"
        "\n## [0.1.0] - 2026-11-01\n\n- ⚠️ old news\n"
    )
    assert spec_gate.breaking_allowed(changelog)
    assert not spec_gate.breaking_allowed(changelog.replace("- ⚠️ `reference`", "- `reference`"))
    assert not spec_gate.breaking_allowed("# Changelog\n\nEntries marked ⚠️ may break.\n")


def test_the_gate_in_a_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for part in ("spec", "scripts", "node_modules"):
        (repo / part).mkdir(parents=True)
    (repo / "node_modules").rmdir()
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    shutil.copy(ROOT / "scripts/spec_diff.cjs", repo / "scripts")
    spec_file = repo / "spec/klarna-ordermanagement.yaml"
    spec_file.write_text(yaml.safe_dump(load_spec(), sort_keys=False))
    changelog = repo / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## [Unreleased]\n\n- Added things.\n")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=repo, capture_output=True, text=True, check=False)

    run("git", "init", "-q")
    run("git", "add", "-A")
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    gate = [sys.executable, str(ROOT / "scripts/spec_gate.py")]
    assert run(*gate).returncode == 0  # the spec is new: nothing to compare

    broken = copy.deepcopy(load_spec())
    _make_header_required(broken)
    spec_file.write_text(yaml.safe_dump(broken, sort_keys=False))
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "v2")
    failed = run(*gate)
    assert failed.returncode == 1
    assert "add an entry marked ⚠️" in failed.stderr
    assert run(*gate, "HEAD").returncode == 0  # the working tree equals HEAD

    changelog.write_text("# Changelog\n\n## [Unreleased]\n\n- ⚠️ The key header is required.\n")
    assert run(*gate).returncode == 0
