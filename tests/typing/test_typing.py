"""mypy --strict over small user programs, against klarna_om as users install it.

mypy runs with no project configuration (so not through ``mypy_path``): it finds klarna_om in
the venv by its ``py.typed`` marker, as a user's type checker does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

PROGRAMS = Path(__file__).parent / "programs"


def _mypy(path: Path, tmp_path: Path) -> tuple[list[str], int]:
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n", encoding="utf-8")
    stdout, stderr, status = api.run(
        [
            "--strict",
            "--config-file",
            str(config),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--no-error-summary",
            "--show-error-codes",
            str(path),
        ]
    )
    assert not stderr, stderr
    return [line for line in stdout.splitlines() if ": error: " in line], status


def test_a_correct_user_program_passes(tmp_path: Path) -> None:
    errors, status = _mypy(PROGRAMS / "user_program.py", tmp_path)
    assert (errors, status) == ([], 0)


def test_each_marked_mistake_is_reported_and_nothing_else(tmp_path: Path) -> None:
    path = PROGRAMS / "bad_inputs.py"
    expected = {
        (number, match.group(1))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (match := re.search(r"# E: ([a-z-]+)$", line))
    }
    errors, status = _mypy(path, tmp_path)
    found = set()
    for error in errors:
        match = re.match(r".*?:(\d+): error: .*\[([a-z-]+)\]$", error)
        assert match, error
        found.add((int(match.group(1)), match.group(2)))
    assert len(expected) == 6
    assert (found, status) == (expected, 1), "\n".join(errors)


@pytest.mark.parametrize("name", ["user_program.py", "bad_inputs.py"])
def test_the_programs_run(name: str) -> None:
    """The programs are real Python: they import and define their functions."""
    source = (PROGRAMS / name).read_text(encoding="utf-8")
    namespace: dict[str, object] = {"__name__": f"typing_program_{name}"}
    exec(compile(source, name, "exec"), namespace)
    assert callable(namespace.get("mistakes") or namespace.get("read"))
