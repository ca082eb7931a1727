"""Every code block of the docs site (docs/src/) is run or checked.

Python blocks run against a seeded in-process sandbox (their traffic checked by spec/), a page's
test files run under pytest as a user's suite would, the rest pass ``mypy --strict`` (ruff
formats and checks the Markdown's Python blocks in the lint step). Shell blocks marked ``run``
run in bash against a sandbox on a port; the commands of the others must exist (a make target,
a klarna-om command).
See ``tests/_support/snippets.py`` for the modes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from klarna_om import KlarnaOrderManagement
from klarna_om_sandbox import SandboxServer
from tests._support.snippets import (
    CAPTURE_ID,
    DOCS,
    ORDER_ID,
    ROOT,
    SHIRT_ORDER,
    Block,
    blocks,
    pages,
    run_python,
    seed,
)

BIN = Path(sys.executable).parent
CASSETTE = ROOT / "tests" / "cassettes" / "test_refund_flow.yaml"
ALL = [block for page in pages() for block in blocks(page)]
#: Commands a ``check`` block may name besides make and klarna-om (checked further below).
KNOWN_COMMANDS = {
    *("pip", "export", "read", "pytest", "git", "npm", "$EDITOR", "klarna-om-sandbox"),
    ".venv/bin/python",
}


def _pages_with(mode: str, lang: str = "python") -> list[Path]:
    return sorted({b.path for b in ALL if b.mode == mode and b.lang == lang})


def _id(path: Path) -> str:
    return str(path.relative_to(DOCS))


def test_every_block_has_a_mode_this_suite_knows() -> None:
    allowed = {
        "python": {"run", "pytest", "typecheck", "transports"},
        "sh": {"run", "check"},
        "csv": {"data"},
        "text": {"text"},
    }
    unknown = [
        f"{b.where}: {b.lang or 'no language'} {b.mode}"
        for b in ALL
        if b.mode not in allowed.get(b.lang, set())
    ]
    assert unknown == []
    counts = {mode: sum(b.mode == mode for b in ALL) for mode in ("run", "pytest", "typecheck")}
    assert all(counts.values()), counts


@pytest.mark.parametrize("page", _pages_with("run"), ids=_id)
def test_the_python_snippets_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_python([b for b in blocks(page) if b.mode == "run" and b.lang == "python"], monkeypatch)


@pytest.mark.parametrize("page", _pages_with("pytest"), ids=_id)
def test_the_test_files_pass_under_pytest(page: Path, tmp_path: Path) -> None:
    files = [b for b in blocks(page) if b.mode == "pytest"]
    for block in files:
        assert block.title is not None
        target = tmp_path / block.title
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.code, encoding="utf-8")
    # A kept cassette, for the page's test over every cassette.
    (tmp_path / "tests" / "cassettes").mkdir(exist_ok=True)
    shutil.copy(CASSETTE, tmp_path / "tests" / "cassettes")
    # Only this project's plugin (the venv holds others a user's suite may not have).
    plugin = ["-p", "klarna_om_sandbox.pytest_plugin", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *plugin, "-W", "error", "tests"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**_user_environment(), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        timeout=300,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert (done.returncode, re.fullmatch(r"\d+ passed in [\d.]+s", summary) is not None) == (
        0,
        True,
    ), done.stdout + done.stderr
    tests = sum(len(re.findall(r"^def test_", b.code, re.M)) for b in files)
    assert int(summary.split()[0]) >= tests


def _user_environment() -> dict[str, str]:
    """The environment of a user's run: no KLARNA_* settings, nothing of this checkout's path."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KLARNA_", "PYTEST_", "COV_", "COVERAGE_")) and k != "PYTHONPATH"
    }


def test_the_python_blocks_pass_mypy_strict(tmp_path: Path) -> None:
    """Typecheck blocks one file each; a page's run blocks together, as the reader runs them."""
    files: dict[str, str] = {}
    for page in pages():
        name = re.sub(r"\W", "_", _id(page).removesuffix(".md"))
        page_blocks = blocks(page)
        run = [b.code for b in page_blocks if b.mode == "run" and b.lang == "python"]
        if run:
            files[f"run_{name}.py"] = "\n".join(run)
        for number, block in enumerate(page_blocks):
            if block.lang == "python" and block.mode in ("typecheck", "pytest"):
                files[f"{block.mode}_{name}_{number}.py"] = block.code
    for filename, code in files.items():
        (tmp_path / filename).write_text(code, encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--no-incremental", *sorted(files)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MYPYPATH": ""},
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def served() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.mark.parametrize("page", _pages_with("run", "sh"), ids=_id)
def test_the_shell_blocks_run_against_the_sandbox(
    page: Path, served: SandboxServer, tmp_path: Path
) -> None:
    served.reset()
    seed(served)
    with KlarnaOrderManagement(served.username, served.password, base_url=served.base_url) as k:
        refund_id = k.refund_order(ORDER_ID, 100, reference="seed").refund_id
    environment = {
        **_user_environment(),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "KLARNA_USERNAME": served.username,
        "KLARNA_PASSWORD": served.password,
        "KLARNA_BASE_URL": served.base_url,
        "ORDER_ID": ORDER_ID,
        "CAPTURE_ID": CAPTURE_ID,
        "SHIRT_ORDER": SHIRT_ORDER,
        "REFUND_ID": refund_id,
    }
    page_blocks = blocks(page)
    for block in page_blocks:
        if block.mode == "data" and block.title:
            (tmp_path / block.title).write_text(block.code, encoding="utf-8")
    for block in (b for b in page_blocks if b.mode == "run" and b.lang == "sh"):
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block.code],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"{block.where}\n{done.stdout}{done.stderr}"
        # A quoted comment ("Already refunded (nothing sent)") is what the reader will see.
        for promised in re.findall(r'#[^\n"]*"([^"\n]+)"', block.code):
            assert promised in done.stdout, f"{block.where}: {promised!r} not in the output"


def _commands(block: Block) -> Iterator[list[str]]:
    """Each command of a shell block (continuations joined, comments and assignments dropped)."""
    text = block.code.replace("\\\n", " ")
    for line in text.splitlines():
        for part in re.split(r"&&|\|\||;", line.split(" #")[0]):
            words = shlex.split(part, comments=True)
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                words = words[1:]
            if words:
                yield words


def _make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z-]+):", makefile, re.M))


def _klarna_om_commands() -> set[str]:
    done = subprocess.run(
        [str(BIN / "klarna-om"), "--help"], capture_output=True, text=True, check=True
    )
    return set(re.findall(r"^  ([a-z-]+)  ", done.stdout, re.M))


def test_the_shell_commands_exist() -> None:
    """A make target that exists, a klarna-om command that exists, a tool the reader has."""
    targets, commands = _make_targets(), _klarna_om_commands()
    wrong = []
    for block in (b for b in ALL if b.lang == "sh"):
        for words in _commands(block):
            name = words[0]
            if name == "make":
                wrong += [f"{block.where}: make {t}" for t in words[1:] if t not in targets]
            elif name == "klarna-om":
                if words[1] not in commands | {"--help", "--version"}:
                    wrong.append(f"{block.where}: klarna-om {words[1]}")
            elif name not in KNOWN_COMMANDS:
                wrong.append(f"{block.where}: {name}")
    assert wrong == []


def test_the_data_blocks_parse() -> None:
    for block in (b for b in ALL if b.mode == "data"):
        if block.lang == "csv":
            rows = list(csv.DictReader(io.StringIO(block.code), strict=True))
            assert rows and {"order_id", "amount", "reference"} <= set(rows[0]), block.where
        elif block.lang == "json":
            json.loads(block.code)
        elif block.lang == "yaml":
            yaml.safe_load(block.code)
        elif block.lang == "toml":
            tomllib.loads(block.code)
