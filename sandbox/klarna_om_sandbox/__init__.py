"""klarna_om_sandbox: a local, stateful stand-in for Klarna's Order Management API.

It implements the operations of spec/, keeps state (in memory or SQLite),
applies Klarna's refund, release and due-date rules, replays idempotency keys and injects faults.
It is an independent implementation of the spec: it never imports the klarna_om client.
"""

from ._app import FAULT_KINDS, HANDLERS, Fault, Sandbox
from ._rules import PRICE_TABLE, SandboxError
from ._server import SandboxServer, build_sandbox

__all__ = [
    "FAULT_KINDS",
    "HANDLERS",
    "PRICE_TABLE",
    "Fault",
    "Sandbox",
    "SandboxError",
    "SandboxServer",
    "build_sandbox",
]
