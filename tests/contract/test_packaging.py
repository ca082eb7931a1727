"""The distributions users install: built once (uv build: the sdist, then the wheel from it).

``twine check --strict`` passes on both; the wheel carries the three packages with their
``py.typed`` markers, the bundled spec, the license, and nothing from the work tree besides
(tests, bench, caches); its metadata has the license expression, a classifier for each Python
the suite runs on, and only the user-facing extras, with no exact pins; the sdist holds no venv,
node_modules or cache.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path, PurePosixPath

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: Folders and files of a work tree that a distribution never ships.
WORK_TREE_ONLY = {
    ".venv",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "htmlcov",
    "dist",
    "build",
    ".coverage",
    ".git",
}


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [str(BIN / "uv"), "build", "--quiet", "--no-progress", "--out-dir", str(out), str(ROOT)],
        check=True,
    )
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return Built(wheel, sdist)


def _wheel_names(built: Built) -> list[str]:
    with zipfile.ZipFile(built.wheel) as wheel:
        return wheel.namelist()


def _metadata(built: Built) -> Message:
    with zipfile.ZipFile(built.wheel) as wheel:
        (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(wheel.read(name).decode("utf-8"))


def _dist_name() -> str:
    """``klarna_om-0.1.0``: the wheel's and the sdist's stem."""
    return f"{PYPROJECT['project']['name'].replace('-', '_')}-{_version()}"


def _version() -> str:
    text = (ROOT / "overrides" / "klarna_om" / "_version.py").read_text(encoding="utf-8")
    (assignment,) = [n for n in ast.parse(text).body if isinstance(n, ast.Assign)]
    version = ast.literal_eval(assignment.value)
    assert isinstance(version, str)
    return version


def test_twine_check_strict_passes_on_both(built: Built) -> None:
    done = subprocess.run(
        [str(BIN / "twine"), "--no-color", "check", "--strict", str(built.wheel), str(built.sdist)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split()[-1] for line in done.stdout.splitlines()] == ["PASSED", "PASSED"]


def test_the_wheel_ships_the_packages_typed_with_the_spec_and_the_license(built: Built) -> None:
    names = _wheel_names(built)
    dist_info = f"{_dist_name()}.dist-info"
    assert {PurePosixPath(n).parts[0] for n in names} == {
        "klarna_om",
        "klarna_om_generated",
        "klarna_om_sandbox",
        dist_info,
    }
    for marker in (
        "klarna_om/py.typed",
        "klarna_om_generated/py.typed",
        "klarna_om_sandbox/py.typed",
        "klarna_om_sandbox/spec/klarna-ordermanagement.yaml",
        f"{dist_info}/licenses/LICENSE",
    ):
        assert marker in names, marker
    with zipfile.ZipFile(built.wheel) as wheel:
        assert wheel.read(f"{dist_info}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
        assert (
            wheel.read("klarna_om_sandbox/spec/klarna-ordermanagement.yaml")
            == (ROOT / "spec" / "klarna-ordermanagement.yaml").read_bytes()
        )
    shipped_by_mistake = [
        n
        for n in names
        if {"tests", "bench", *WORK_TREE_ONLY} & set(PurePosixPath(n).parts)
        or n.endswith((".pyc", ".pyo"))
    ]
    assert shipped_by_mistake == []


def test_the_wheel_metadata_publishes_only_what_users_install(built: Built) -> None:
    metadata = _metadata(built)
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert sorted(metadata.get_all("Provides-Extra") or []) == [
        "aiohttp",
        "cli",
        "postgres",
        "sandbox",
    ]
    assert sorted(PYPROJECT["project"]["optional-dependencies"]) == [
        "aiohttp",
        "cli",
        "postgres",
        "sandbox",
    ]
    pinned = [
        r
        for r in metadata.get_all("Requires-Dist") or []
        if any(s.operator in ("==", "===") for s in Requirement(r).specifier)
    ]
    assert pinned == []
    classifiers = metadata.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers
    # The license is the expression: PEP 639 deprecates `License ::` classifiers beside it.
    assert [c for c in classifiers if c.startswith("License ::")] == []
    python_minors = [
        c.rsplit(" ", 1)[1]
        for c in classifiers
        if c.startswith("Programming Language :: Python :: 3.")
    ]
    assert python_minors == sorted({_main_python(), *_nox_pythons()}, key=_minor)
    assert metadata["Requires-Python"] == f">={min(python_minors, key=_minor)}"


def _main_python() -> str:
    """The Python ``make test`` runs the whole suite on (the venv's)."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _nox_pythons() -> list[str]:
    """``VERSIONS`` in noxfile.py: the other Pythons the unit tier runs on."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["VERSIONS"]:
            versions = ast.literal_eval(node.value)
            assert isinstance(versions, list)
            return [str(v) for v in versions]
    raise AssertionError("noxfile.py has no VERSIONS")


def _minor(version: str) -> int:
    return int(version.split(".")[1])


def test_the_sdist_holds_the_sources_and_no_work_tree_leftovers(built: Built) -> None:
    with tarfile.open(built.sdist) as sdist:
        names = sdist.getnames()
    top = _dist_name()
    assert {PurePosixPath(n).parts[0] for n in names} == {top}
    assert {PurePosixPath(n).parts[1] for n in names if len(PurePosixPath(n).parts) > 1} == {
        ".gitignore",
        "CHANGELOG.md",
        "LICENSE",
        "PKG-INFO",
        "README.md",
        "generated",
        "overrides",
        "sandbox",
        "pyproject.toml",
        "spec",
    }
    leftovers = [
        n
        for n in names
        if WORK_TREE_ONLY & set(PurePosixPath(n).parts) or n.endswith((".pyc", ".pyo", ".sqlite3"))
    ]
    assert leftovers == []
