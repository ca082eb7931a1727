"""The sandbox's command line, and the package without its ``sandbox`` extra.

The extra's modules are hidden from a subprocess (``sys.modules[name] = None`` makes importing
them fail as if they were not installed).
"""

from __future__ import annotations

import subprocess
import sys

HIDE = (
    "import sys\nfor m in ('starlette', 'uvicorn', 'openapi_core', 'yaml'): sys.modules[m] = None\n"
)


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_help_is_plain_text_and_documents_the_environment() -> None:
    done = _python(HIDE + "from klarna_om_sandbox.__main__ import main\nmain(['--help'])")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: klarna-om-sandbox [-h] [--host HOST] [--port PORT]")
    for text in ("KLARNA_OM_SANDBOX_USERNAME", "KLARNA_OM_SANDBOX_PASSWORD", "--db DB"):
        assert text in done.stdout
    assert "``" not in done.stdout


def test_without_the_extra_the_command_says_what_to_install_and_exits_2() -> None:
    done = _python(HIDE + "from klarna_om_sandbox.__main__ import main\nmain([])")
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "klarna-om-sandbox: missing module 'uvicorn'; install the sandbox extra: "
        "pip install 'klarna-om[sandbox]'\n",
    )


def test_without_the_extra_the_package_and_its_pytest_plugin_still_import() -> None:
    code = HIDE + (
        "import klarna_om_sandbox, klarna_om_sandbox.pytest_plugin\n"
        "try:\n"
        "    klarna_om_sandbox.SandboxServer\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    done = _python(code)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(
        "the Klarna sandbox needs its extra: pip install 'klarna-om[sandbox]' (missing: "
    )
