"""The pytest plugin (entry point ``klarna_om_sandbox``): a Klarna sandbox for your tests.

Installed with the package and registered by pytest on its own. Fixtures:

- ``klarna_sandbox``: a ``SandboxServer`` on a free loopback port, one per test session, reset
  for each test (orders, idempotency keys, faults, and the clock back to no offset).
- ``klarna_sandbox_session``: the same server, not reset between tests.
- ``klarna_sandbox_inprocess``: an ``InProcessSandbox``, new for each test: no port, no thread
  serving; clients reach it through ``client_options()`` (or ``transport()``).

Loading the plugin imports nothing of the sandbox's; a fixture used without the ``sandbox``
extra fails its test saying ``pip install 'klarna-om[sandbox]'``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from . import load

if TYPE_CHECKING:
    from ._inprocess import InProcessSandbox
    from ._server import SandboxServer


def _sandbox_module(module: str) -> Any:
    """The sandbox's module, or this test failed with the command that installs the extra."""
    try:
        return load(module)
    except ModuleNotFoundError as exc:
        if "pip install" not in str(exc):
            raise
        message = str(exc)
    pytest.fail(message, pytrace=False)  # outside the except: no chained traceback


@pytest.fixture(scope="session")
def klarna_sandbox_session() -> Iterator[SandboxServer]:
    """The session's sandbox server (not reset between tests)."""
    server_class: type[SandboxServer] = _sandbox_module("._server").SandboxServer
    with server_class() as server:
        yield server


@pytest.fixture
def klarna_sandbox(klarna_sandbox_session: SandboxServer) -> SandboxServer:
    """A running sandbox, reset for this test (its clock set back too).

    It is the ``SandboxServer``: ``base_url``, ``username``, ``password``, ``create_order()``,
    ``get_order()``, ``add_fault()``, ``advance_clock(seconds)``, ``clock()``.
    """
    klarna_sandbox_session.reset()
    return klarna_sandbox_session


@pytest.fixture
def klarna_sandbox_inprocess() -> Iterator[InProcessSandbox]:
    """A new in-process sandbox for this test: no port, no subprocess, no server thread.

    It is an ``InProcessSandbox``, with the methods of ``klarna_sandbox``; pass
    ``**klarna_sandbox_inprocess.client_options()`` to ``KlarnaOrderManagement`` (or
    ``async_client_options()`` to ``AsyncKlarnaOrderManagement``).
    """
    sandbox_class: type[InProcessSandbox] = _sandbox_module("._inprocess").InProcessSandbox
    with sandbox_class() as sandbox:
        yield sandbox
