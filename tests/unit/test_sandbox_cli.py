"""The sandbox's command line, and the package without its ``sandbox`` extra.

The extra's modules are hidden from a subprocess (``sys.modules[name] = None`` makes importing
them fail as if they were not installed).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from klarna_om_sandbox.__main__ import parser

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
    for text in (
        "KLARNA_OM_SANDBOX_USERNAME",
        "KLARNA_OM_SANDBOX_PASSWORD",
        "KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL",
        "KLARNA_OM_SANDBOX_API_KEY",
        "--api-key KEY",
        "--db DB",
        "--idempotency-ttl SECONDS",
    ):
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


@pytest.mark.parametrize(
    ("argv", "environment", "ttl"),
    [
        ([], None, 86400),
        ([], "2.5", 2.5),
        ([], "60", 60),
        (["--idempotency-ttl", "1"], "60", 1),
        (["--idempotency-ttl", "0.25"], None, 0.25),
        (["--idempotency-ttl=3153600000"], None, 3153600000),
    ],
)
def test_the_idempotency_ttl_comes_from_the_option_else_the_environment(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], environment: str | None, ttl: float
) -> None:
    if environment is None:
        monkeypatch.delenv("KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL", raising=False)
    else:
        monkeypatch.setenv("KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL", environment)
    parsed = parser().parse_args(argv).idempotency_ttl
    assert (parsed, type(parsed)) == (ttl, type(ttl))


@pytest.mark.parametrize(
    ("argv", "environment", "shown"),
    [
        (["--idempotency-ttl", "0"], None, "'0'"),
        (["--idempotency-ttl", "-5"], None, "'-5'"),
        (["--idempotency-ttl", "nan"], None, "'nan'"),
        (["--idempotency-ttl", "inf"], None, "'inf'"),
        (["--idempotency-ttl", "3153600001"], None, "'3153600001'"),
        (["--idempotency-ttl", "a day\x1b[2J" + "x" * 60], None, repr("a day\x1b[2J" + "x" * 31)),
        ([], "one day", "'one day'"),
    ],
)
def test_a_bad_idempotency_ttl_exits_2_naming_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    environment: str | None,
    shown: str,
) -> None:
    if environment is None:
        monkeypatch.delenv("KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL", raising=False)
    else:
        monkeypatch.setenv("KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL", environment)
    with pytest.raises(SystemExit) as info:
        parser().parse_args(argv)
    out, err = capsys.readouterr()
    assert (info.value.code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "klarna-om-sandbox: error: argument --idempotency-ttl: expected seconds above 0 and at "
        f"most 3153600000 (100 years), got {shown} "
        "(from the option or $KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL)"
    )


@pytest.mark.parametrize(
    ("argv", "environment", "key"),
    [
        ([], None, None),
        ([], "", None),  # an empty variable is no key, not a key that is empty
        ([], "klarna_test_api_ZW52", "klarna_test_api_ZW52"),
        (["--api-key", "klarna_test_api_b3B0"], "klarna_test_api_ZW52", "klarna_test_api_b3B0"),
        (["--api-key=  spaced \x1b[2J"], None, "  spaced \x1b[2J"),  # taken as given, never shown
    ],
)
def test_the_api_key_comes_from_the_option_else_the_environment(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], environment: str | None, key: str | None
) -> None:
    if environment is None:
        monkeypatch.delenv("KLARNA_OM_SANDBOX_API_KEY", raising=False)
    else:
        monkeypatch.setenv("KLARNA_OM_SANDBOX_API_KEY", environment)
    assert parser().parse_args(argv).api_key == key
