"""A pytest plugin (entry point ``klarna_om_sandbox``) with the ``klarna_sandbox`` fixture.

One sandbox runs per test session on a free loopback port; every test gets it reset (orders,
idempotency keys, faults, and the clock back to no offset).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._server import SandboxServer


@pytest.fixture(scope="session")
def klarna_sandbox_session() -> Iterator[SandboxServer]:
    """The session's sandbox server (not reset between tests)."""
    from ._server import SandboxServer  # imported here: loading the plugin stays cheap

    with SandboxServer() as server:
        yield server


@pytest.fixture
def klarna_sandbox(klarna_sandbox_session: SandboxServer) -> SandboxServer:
    """A running sandbox, reset for this test (its clock set back too).

    It is the ``SandboxServer``: ``base_url``, ``username``, ``password``, ``create_order()``,
    ``get_order()``, ``add_fault()``, ``advance_clock(seconds)``, ``clock()``.
    """
    klarna_sandbox_session.reset()
    return klarna_sandbox_session
