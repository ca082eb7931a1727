"""The pytest plugin without the ``sandbox`` extra: each fixture says what to install.

A user's suite runs in a subprocess with the extra's modules blocked (``sys.modules[name] =
None``, so importing them fails as if they were not installed); only this plugin is loaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "src"

EXTRA = ("starlette", "uvicorn", "openapi_core", "yaml")
MESSAGE = "the Klarna sandbox needs its extra: pip install 'klarna-om[sandbox]' (missing: uvicorn)"
USER_TESTS = """\
def test_on_a_port(klarna_sandbox):
    pass


def test_in_process(klarna_sandbox_inprocess):
    pass


def test_the_session_server(klarna_sandbox_session):
    pass
"""


def _pytest_without_the_extra(folder: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        f"for name in {EXTRA!r}:\n"
        "    sys.modules[name] = None\n"
        "import pytest\n"
        "sys.exit(pytest.main(['-q', '-p', 'klarna_om_sandbox.pytest_plugin', "
        "'-p', 'no:cacheprovider', 'test_user.py']))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )


def test_every_fixture_says_what_to_install_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TESTS, encoding="utf-8")
    done = _pytest_without_the_extra(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line for line in lines if line.startswith("the Klarna sandbox")] == [MESSAGE] * 3
    assert [line.split(" - ")[0] for line in lines if line.startswith("ERROR ")] == [
        "ERROR test_user.py::test_on_a_port",
        "ERROR test_user.py::test_in_process",
        "ERROR test_user.py::test_the_session_server",
    ]
    assert lines[-1].startswith("3 errors in ")
    assert "ModuleNotFoundError" not in done.stdout + done.stderr


def test_the_testing_guide_shows_the_message_users_get() -> None:
    assert MESSAGE in (DOCS / "guides" / "testing.md").read_text(encoding="utf-8")
