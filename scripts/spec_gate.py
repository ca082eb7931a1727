"""The breaking-change gate: classify spec changes since BASE; fail on a breaking one unless the
CHANGELOG's Unreleased section carries an entry marked ⚠️.

Usage: python scripts/spec_gate.py [BASE]   (run from the repository root)
Without BASE it compares with the version before the last commit that changed the spec, so a
fresh clone checks the newest spec change. Classification is api-smart-diff's
(scripts/spec_diff.cjs).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

SPEC = "spec/klarna-ordermanagement.yaml"
WARNING = "⚠️"


def git(*args: str) -> str:
    """Run git; return stdout (raises CalledProcessError on failure)."""
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def default_base() -> str | None:
    """The commit before the last one that changed the spec, or None if the spec is new there."""
    last = git("log", "-1", "--format=%H", "--", SPEC).strip()
    if not last:
        return None
    parents = git("rev-list", "--parents", "-n", "1", last).split()[1:]
    return parents[0] if parents else None


def unreleased(changelog: str) -> str:
    """The text of the CHANGELOG's Unreleased section."""
    match = re.search(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## \[|\Z)", changelog, re.S | re.M)
    return match.group(1) if match else ""


def breaking_allowed(changelog: str) -> bool:
    """Whether the Unreleased section has an entry marked ⚠️."""
    return any(
        line.lstrip().startswith("-") and WARNING in line
        for line in unreleased(changelog).splitlines()
    )


def main(argv: list[str]) -> int:
    """Run the gate; the exit code is the verdict."""
    base = argv[0] if argv else default_base()
    if base is None:
        print(f"spec-diff: {SPEC} has no earlier version to compare with")
        return 0
    try:
        old = git("show", f"{base}:{SPEC}")
    except subprocess.CalledProcessError:
        print(f"spec-diff: {SPEC} does not exist at {base}; nothing to compare")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "base.yaml"
        before.write_text(old, encoding="utf-8")
        print(f"spec-diff: {base[:12]} -> working tree")
        result = subprocess.run(["node", "scripts/spec_diff.cjs", str(before), SPEC], check=False)
    if result.returncode == 0:
        return 0
    if result.returncode != 2:
        return result.returncode
    if breaking_allowed(Path("CHANGELOG.md").read_text(encoding="utf-8")):
        print(f"spec-diff: breaking changes, announced with {WARNING} in CHANGELOG Unreleased")
        return 0
    print(
        f"spec-diff: breaking changes: add an entry marked {WARNING} under Unreleased in "
        "CHANGELOG.md, or make the change compatible",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
