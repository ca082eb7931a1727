"""Keeps the reliability tier's one-line summaries in pytest's terminal summary."""

from __future__ import annotations

import sys

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for name in (
        "tests.reliability.test_faults",
        "tests.reliability.test_hostile_servers",
        "tests.reliability.test_batch_crash",
        "tests.reliability.test_fleet_crash",
        "tests.reliability.test_ratelimit_storm",
    ):
        for line in getattr(sys.modules.get(name), "SUMMARIES", []):
            terminalreporter.write_line(line)
