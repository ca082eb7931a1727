"""Session-wide: report how much traffic was checked against spec/, and fail on any violation."""

from __future__ import annotations

import os
import sys
from collections import Counter

import pytest

from tests._support import openapi_check

# Every sandbox in the tests checks each request with openapi-core as well as its fast path, and
# fails on a disagreement (klarna_om_sandbox._fastcheck).
os.environ["KLARNA_OM_SANDBOX_CROSSCHECK"] = "1"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    schemathesis_run = sys.modules.get("tests.contract.test_schemathesis")
    if schemathesis_run is not None:
        calls = schemathesis_run.CALLS
        stateful = sum(n for k, n in calls.items() if k.startswith("stateful "))
        terminalreporter.write_line(
            f"schemathesis: {sum(calls.values()) - stateful} generated cases and {stateful} "
            f"stateful calls against the sandbox; by status: "
            f"{dict(sorted(Counter(k.rsplit(' ', 1)[1] for k in calls.elements()).items()))}"
        )
    checker = openapi_check._checker
    if checker is None:
        return
    terminalreporter.write_line(
        f"spec/ contract: {checker.requests} client requests and {checker.responses} sandbox "
        f"responses validated with openapi-core ({checker.outside_spec} outside the spec and "
        f"{checker.injected_faults} injected faults skipped), {len(checker.violations)} violations"
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    checker = openapi_check._checker
    if checker is not None and checker.violations and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
