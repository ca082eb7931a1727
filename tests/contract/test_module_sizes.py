"""One job per module: every handwritten module (client, sandbox, scripts/) under 400 lines."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400


def _sizes(*folders: str) -> dict[str, int]:
    """The line count of every ``*.py`` under ``folders``, by path from the repository root."""
    return {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def test_every_handwritten_module_is_under_400_lines() -> None:
    sizes = _sizes("overrides", "sandbox")
    assert len(sizes) > 40  # the walk found the packages
    assert {name: lines for name, lines in sizes.items() if lines >= LIMIT} == {}


def test_every_script_is_under_400_lines() -> None:
    sizes = _sizes("scripts")
    assert "scripts/upstream_diff.py" in sizes  # the walk found the scripts
    assert {name: lines for name, lines in sizes.items() if lines >= LIMIT} == {}
