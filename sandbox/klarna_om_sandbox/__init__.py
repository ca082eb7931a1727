"""klarna_om_sandbox: a local, stateful stand-in for Klarna's Order Management API.

It implements the operations of spec/, keeps state (in memory or SQLite),
applies Klarna's refund, release and due-date rules, replays idempotency keys and injects faults.
It plays Klarna or Kustom (``provider="kustom"``), and Klarna's rate limit when asked
(``rate_limit=``, ``RateLimiter``).
It is an independent implementation of the spec: it never imports the klarna_om client.

For your own tests: ``SandboxServer`` (a loopback port), ``InProcessSandbox`` (no port: httpx
transports into the app), the pytest plugin's fixtures (``klarna_sandbox``,
``klarna_sandbox_inprocess``), and ``vcr_config`` / ``check_cassette`` to record Klarna's
playground with VCR.py and replay it checked against the spec.

Its names load on first use, so that the package (and its pytest plugin) import without the
``sandbox`` extra; using one without the extra raises ``ModuleNotFoundError`` saying what to
install.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import FAULT_KINDS, HANDLERS, Fault, Sandbox
    from ._inprocess import (
        AsyncClientOptions,
        ClientOptions,
        InProcessAsyncTransport,
        InProcessSandbox,
        InProcessTransport,
    )
    from ._ratelimit import RateLimiter
    from ._replay import CassetteMismatchError, check_cassette, check_interaction, vcr_config
    from ._rules import PRICE_TABLE, SandboxError
    from ._server import SandboxServer, build_sandbox

#: The hint printed when the sandbox's dependencies are missing.
INSTALL_HINT = "pip install 'klarna-om[sandbox]'"

_EXPORTS = {
    "FAULT_KINDS": "._app",
    "HANDLERS": "._app",
    "Fault": "._app",
    "Sandbox": "._app",
    "AsyncClientOptions": "._inprocess",
    "ClientOptions": "._inprocess",
    "InProcessAsyncTransport": "._inprocess",
    "InProcessSandbox": "._inprocess",
    "InProcessTransport": "._inprocess",
    "CassetteMismatchError": "._replay",
    "check_cassette": "._replay",
    "check_interaction": "._replay",
    "vcr_config": "._replay",
    "RateLimiter": "._ratelimit",
    "PRICE_TABLE": "._rules",
    "SandboxError": "._rules",
    "SandboxServer": "._server",
    "build_sandbox": "._server",
}

__all__ = [
    "FAULT_KINDS",
    "HANDLERS",
    "INSTALL_HINT",
    "PRICE_TABLE",
    "AsyncClientOptions",
    "CassetteMismatchError",
    "ClientOptions",
    "Fault",
    "InProcessAsyncTransport",
    "InProcessSandbox",
    "InProcessTransport",
    "RateLimiter",
    "Sandbox",
    "SandboxError",
    "SandboxServer",
    "build_sandbox",
    "check_cassette",
    "check_interaction",
    "vcr_config",
]


def load(module: str) -> Any:
    """Import one of the sandbox's modules, or say which extra is missing."""
    try:
        return importlib.import_module(module, __name__)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in {"starlette", "uvicorn", "openapi_core", "yaml"}:
            raise ModuleNotFoundError(
                f"the Klarna sandbox needs its extra: {INSTALL_HINT} (missing: {exc.name})",
                name=exc.name,
            ) from exc
        raise


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(load(module), name)
    globals()[name] = value
    return value
