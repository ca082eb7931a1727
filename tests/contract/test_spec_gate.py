"""The breaking-change gate never lies: scratch git repositories with planted spec changes.

Each test builds a repository holding the spec and a CHANGELOG, then edits the spec (committed
or not) and runs scripts/spec_gate.py there, as ``make spec-diff`` does.
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

from tests._support.spec_tools import load_spec

ROOT = Path(__file__).resolve().parents[2]
BASE = "/ordermanagement/v1/orders/{order_id}"
sys.path.insert(0, str(ROOT / "scripts"))
import spec_gate  # noqa: E402

CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Things.\n"
Change = Callable[[dict[str, Any]], None]


class Repo:
    """A scratch git repository on branch main with the spec committed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "spec").mkdir(parents=True)
        self.spec = root / "spec" / "klarna-ordermanagement.yaml"
        self.changelog = root / "CHANGELOG.md"
        self.write(load_spec())
        self.changelog.write_text(CHANGELOG, encoding="utf-8")
        self.git("init", "-q", "-b", "main")
        self.commit("the first spec")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-qm", message)

    def write(self, spec: dict[str, Any]) -> None:
        self.spec.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")

    def change(self, change: Change) -> None:
        spec = yaml.safe_load(self.spec.read_text(encoding="utf-8"))
        change(spec)
        self.write(spec)

    def acknowledge(self, text: str) -> None:
        self.changelog.write_text(
            CHANGELOG.replace("### Added\n", f"### Changed\n\n- ⚠️ {text}\n\n### Added\n"),
            encoding="utf-8",
        )

    def gate(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "spec_gate.py"), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = spec["components"]["schemas"]
    return schemas


def remove_response_property(spec: dict[str, Any]) -> None:
    del _schemas(spec)["Refund"]["properties"]["credit_invoice"]


def narrow_response_type(spec: dict[str, Any]) -> None:
    _schemas(spec)["Refund"]["properties"]["refunded_amount"] = {"type": "string"}


def remove_response_enum_value(spec: dict[str, Any]) -> None:
    _schemas(spec)["OrderStatus"]["enum"].remove("EXPIRED")


def remove_operation(spec: dict[str, Any]) -> None:
    del spec["paths"][f"{BASE}/release-remaining-authorization"]


def remove_response_header(spec: dict[str, Any]) -> None:
    del spec["paths"][f"{BASE}/refunds"]["post"]["responses"]["201"]["headers"]["Refund-Id"]


def add_required_request_field(spec: dict[str, Any]) -> None:
    _schemas(spec)["RefundObject"]["required"].append("reference")


def add_required_parameter(spec: dict[str, Any]) -> None:
    spec["paths"][BASE]["get"].setdefault("parameters", []).append(
        {"name": "expand", "in": "query", "required": True, "schema": {"type": "string"}}
    )


def add_optional_field(spec: dict[str, Any]) -> None:
    _schemas(spec)["Refund"]["properties"]["processed_at"] = {
        "type": "string",
        "format": "date-time",
    }


@pytest.mark.parametrize(
    ("change", "subject"),
    [
        (remove_response_property, "Refund.credit_invoice"),
        (narrow_response_type, "Refund.refunded_amount"),
        (remove_response_enum_value, "OrderStatus"),
        (remove_operation, "releaseRemainingAuthorization"),
        (remove_response_header, "refundOrder"),
        (add_required_request_field, "RefundObject"),
        (add_required_parameter, "getOrder"),
    ],
)
def test_each_class_of_breaking_change_is_caught_until_named_under_unreleased(
    repo: Repo, change: Change, subject: str
) -> None:
    repo.change(change)  # uncommitted: the working tree is what is compared
    failed = repo.gate()
    assert failed.returncode == 1, failed.stdout
    assert f"spec-diff: breaking: {subject}: " in failed.stdout
    assert f"names `{subject}`" in failed.stderr
    repo.acknowledge("an unrelated `Capture.reference` change")
    assert repo.gate().returncode == 1  # a ⚠️ entry must name the change
    repo.acknowledge(f"`{subject}` changed")
    passed = repo.gate()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert f"spec-diff: breaking: {subject}: " in passed.stdout


def test_an_added_optional_response_field_passes(repo: Repo) -> None:
    repo.change(add_optional_field)
    done = repo.gate()
    assert done.returncode == 0, done.stdout
    assert "breaking:" not in done.stdout


def test_committing_does_not_hide_a_breaking_change_and_a_release_resets_the_base(
    repo: Repo,
) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.change(remove_response_property)
    repo.commit("drop credit_invoice")
    failed = repo.gate()  # committed on a branch: the base is the merge-base with main
    assert failed.returncode == 1
    assert failed.stdout.startswith("spec-diff: merge-base with main (")
    repo.acknowledge("`Refund.credit_invoice` is gone")
    repo.commit("announce it")
    assert repo.gate().returncode == 0
    # release: the entry moves into a release section and the tag becomes the base
    repo.changelog.write_text(
        CHANGELOG.replace("## [Unreleased]\n", "## [Unreleased]\n\n## [0.2.0]\n"),
        encoding="utf-8",
    )
    repo.commit("release 0.2.0")
    repo.git("tag", "v0.2.0")
    released = repo.gate()
    assert released.returncode == 0, released.stdout + released.stderr
    assert released.stdout.startswith("spec-diff: release tag v0.2.0 (")
    assert "0 changes" in released.stdout.splitlines()[0]
    repo.change(narrow_response_type)  # the next breaking change needs its own entry
    assert repo.gate().returncode == 1
    overridden = repo.gate("v0.2.0~1")  # BASE= picks any commit
    assert overridden.stdout.startswith("spec-diff: BASE=v0.2.0~1 (v0.2.0~1) -> working tree: ")


def test_without_a_main_branch_the_base_is_the_commit_that_added_the_spec(repo: Repo) -> None:
    repo.git("branch", "-m", "main", "trunk")
    repo.change(remove_operation)
    repo.commit("drop release")
    failed = repo.gate()
    assert failed.returncode == 1
    assert failed.stdout.startswith("spec-diff: the commit that added the spec (")


def test_warning_entries_are_those_of_unreleased_with_their_continuation_lines() -> None:
    entries = spec_gate.warning_entries(
        "## [Unreleased]\n\n- ⚠️ `Refund.x` is\n  gone with `Refund.y`\n- `Refund.z` fine\n"
        "\n## [0.1.0]\n\n- ⚠️ `Refund.old`\n"
    )
    assert entries == ["- ⚠️ `Refund.x` is   gone with `Refund.y`"]


def test_the_subject_of_a_change_deep_in_an_operation_is_its_component() -> None:
    spec = load_spec()
    path = ["paths", f"{BASE}/refunds", "post", "requestBody", "content", "application/json"]
    where = spec_gate.locate(spec, [*path, "schema", "properties", "refunded_amount", "minimum"])
    assert where == {
        "subject": "RefundObject.refunded_amount",
        "response": False,
        "component": "RefundObject",
    }
    where = spec_gate.locate(
        copy.deepcopy(spec), ["paths", f"{BASE}/refunds", "post", "responses", "201", "headers"]
    )
    assert where == {"subject": "refundOrder", "response": True, "component": None}
