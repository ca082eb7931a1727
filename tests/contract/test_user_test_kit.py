"""A user's CI: a fresh venv with ``klarna-om[sandbox]`` from the wheel, and their own tests.

The wheel is built as users get it (``uv build``); its dependencies come from a wheelhouse packed
from this venv (``tests/_support/wheelhouse.py``), so ``pip install --no-index`` needs no network.
In that venv the testing guide's test files pass with the plugin pytest finds on its own (the
``klarna_sandbox`` fixture on a port, and ``klarna_sandbox_inprocess``), and a replayed cassette
passes as recorded and fails, naming the JSON path, once its response breaks the spec.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests._support.data import TOMATOES
from tests._support.snippets import DOCS, ROOT, blocks
from tests._support.wheelhouse import build_wheel, wheelhouse

GUIDE = DOCS / "guides" / "testing.md"
CASSETTE = ROOT / "tests" / "cassettes" / "test_refund_flow.yaml"
#: The guide's test files: on a port, in-process, with faults and the clock.
GUIDE_FILES = [
    "tests/test_refunds.py",
    "tests/test_refunds_inprocess.py",
    "tests/test_resilience.py",
]
REPLAYED = f"""\
import pytest

from klarna_om import KlarnaOrderManagement
from klarna_om_sandbox import vcr_config as klarna_vcr_config

ORDER_ID = "f3392f8b-6116-4073-ab96-e330819e2c07"
TOMATOES = {TOMATOES!r}


@pytest.fixture(scope="module")
def vcr_config():
    return klarna_vcr_config()


@pytest.mark.vcr
def test_refund_flow():
    with KlarnaOrderManagement("replay", "replay", base_url="http://localhost") as klarna:
        created = klarna.refund_order(
            ORDER_ID, 3000, order_lines=[TOMATOES], reference="refund-2026-0001"
        )
        assert klarna.get_refund(ORDER_ID, created.refund_id).refunded_amount == 3000
        assert klarna.get_order(ORDER_ID).refunded_amount == 3000
"""


@pytest.fixture(scope="module")
def user_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding klarna-om[sandbox] (the wheel), pytest and pytest-recording."""
    folder = tmp_path_factory.mktemp("user")
    wheel = build_wheel(folder / "dist")
    house = folder / "wheelhouse"
    wheelhouse(["klarna-om[sandbox]", "pytest", "pytest-recording"], house, skip={"klarna-om"})
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"),
            *("--disable-pip-version-check", "--no-index", "--find-links", str(house)),
            f"{wheel}[sandbox]",
            "pytest",
            "pytest-recording",
        ],
        check=True,
    )
    return python


def _user_pytest(python: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(project)},
        timeout=300,
        check=False,
    )


def _guide_file(title: str) -> str:
    (block,) = [b for b in blocks(GUIDE) if b.title == title]
    return block.code


def test_the_venv_runs_the_installed_wheel_not_this_checkout(user_python: Path) -> None:
    done = subprocess.run(
        [str(user_python), "-c", "import klarna_om, klarna_om_sandbox; print(klarna_om.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith(str(user_python.parents[1] / "lib"))


@pytest.mark.parametrize(
    "title",
    ["tests/test_refunds.py", "tests/test_refunds_inprocess.py", "tests/test_resilience.py"],
)
def test_the_guides_test_files_pass_in_a_fresh_venv(
    user_python: Path, tmp_path: Path, title: str
) -> None:
    code = _guide_file(title)
    (tmp_path / "tests").mkdir()
    (tmp_path / title).write_text(code, encoding="utf-8")
    done = _user_pytest(user_python, tmp_path, "-W", "error", title)
    tests = code.count("\ndef test_")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith(f"{tests} passed in ")


def _replay_project(folder: Path, cassette: dict[str, object]) -> None:
    tests = folder / "tests"
    (tests / "cassettes" / "test_user_replay").mkdir(parents=True)
    (tests / "test_user_replay.py").write_text(REPLAYED, encoding="utf-8")
    (tests / "cassettes" / "test_user_replay" / "test_refund_flow.yaml").write_text(
        yaml.safe_dump(cassette), encoding="utf-8"
    )


def test_a_replayed_cassette_passes_then_fails_with_the_json_path(
    user_python: Path, tmp_path: Path
) -> None:
    recorded = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))
    _replay_project(tmp_path / "as_recorded", recorded)
    passed = _user_pytest(user_python, tmp_path / "as_recorded", "tests")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.splitlines()[-1].startswith("1 passed in ")

    broken = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))
    response = broken["interactions"][1]["response"]["body"]
    response["string"] = response["string"].replace(
        '"refunded_amount":3000', '"refunded_amount":"3000"'
    )
    _replay_project(tmp_path / "broken", broken)
    failed = _user_pytest(user_python, tmp_path / "broken", "tests")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "CassetteMismatchError" in failed.stdout
    assert "response $.refunded_amount: '3000' is not of type 'integer'" in failed.stdout
    shutil.rmtree(tmp_path)
