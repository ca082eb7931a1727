"""Every Python snippet in README.md runs as written, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests._support.openapi_check import SpecCheckingTransport

README = Path(__file__).resolve().parents[2] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_has_the_snippets_of_each_section() -> None:
    text = README.read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", text, re.M)
    assert sections[:10] == [
        "Install",
        "Quick start",
        "Results",
        "Errors",
        "Retries and idempotency",
        "Timeouts",
        "Options, raw responses, environment, logs",
        "Transports",
        "Performance",
        "Return fees",
    ]
    assert len(SNIPPETS) == 10


def test_readme_snippets_run(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, Any] = {"__name__": "readme"}
    for snippet in SNIPPETS:
        exec(compile(snippet, str(README), "exec"), namespace)
        if "transport" in namespace and not isinstance(
            namespace["transport"], SpecCheckingTransport
        ):
            # The stand-in for Klarna, wrapped so the snippets' requests are checked by spec/.
            namespace["transport"] = SpecCheckingTransport(namespace["transport"])
    assert capsys.readouterr().out.splitlines() == [
        f"b2cb4f2e {namespace['created'].idempotency_key}",
        "Refund(refund_id='b2cb4f2e', refunded_amount=3000, "
        "refunded_at=datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.timezone.utc))",
        "404 NOT_FOUND 0b4d4a4e",
    ]
