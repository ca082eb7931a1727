"""Every Python snippet in README.md runs as written, in order, in one namespace.

The clients the snippets create talk to a seeded in-process sandbox (``tests/_support/snippets``);
their requests are checked against spec/.
"""

from __future__ import annotations

import re

import pytest

from tests._support.snippets import README, blocks, run_python

BLOCKS = blocks(README)
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_the_readme_is_what_a_newcomer_needs() -> None:
    text = README.read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", text, re.M) == ["Install", "Quick start", "Documentation"]
    assert [(b.lang, b.mode) for b in BLOCKS] == [
        ("sh", "check"),
        ("python", "run"),
        ("python", "run"),
        ("python", "run"),
        ("python", "run"),
    ]


def test_the_readme_links_to_pages_that_exist() -> None:
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)", text)
    assert [link for link in links if not (README.parent / link).exists()] == []
    assert len(links) >= 10


def test_readme_snippets_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run_python([b for b in BLOCKS if b.mode == "run"], monkeypatch, responses=False)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(f"{UUID} {UUID}", lines[0]), lines
    assert re.fullmatch(f"404 {UUID}", lines[1]), lines
