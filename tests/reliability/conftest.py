"""Keeps the reliability tier's one-line summaries in pytest's terminal summary."""

from __future__ import annotations

import sys

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    module = sys.modules.get("tests.reliability.test_faults")
    for line in getattr(module, "SUMMARIES", []):
        terminalreporter.write_line(line)
