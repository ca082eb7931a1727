"""Running the ``klarna-om`` console script against a sandbox, from the test tiers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from klarna_om_sandbox import SandboxServer

#: The console script of the venv the tests run in.
SCRIPT = Path(sys.executable).parent / "klarna-om"


def cli_env(sandbox: SandboxServer | None = None, **overrides: str) -> dict[str, str]:
    """The environment without any ``KLARNA_*`` variable, then the sandbox's, then ``overrides``.

    ``overrides`` use the variables' names without the prefix: ``password="wrong"``.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLARNA_")}
    if sandbox is not None:
        env |= {
            "KLARNA_USERNAME": sandbox.username,
            "KLARNA_PASSWORD": sandbox.password,
            "KLARNA_BASE_URL": sandbox.base_url,
        }
    env |= {f"KLARNA_{name.upper()}": value for name, value in overrides.items()}
    return env
