"""Which process and which event loop a client's connections belong to.

Exists because a pool holds open sockets. A child made by ``os.fork()`` inherits the parent's,
and when both use them the answers cross between the processes; an async pool's connections
belong to the event loop that opened them. ``Connections`` holds a retry transport's inner
transport (shared with its ``with_policy`` copies) and checks both before each attempt: one
integer comparison (a counter that ``os.register_at_fork`` bumps in every child) and, async, the
running loop. It never closes, nor sends through, a pool that belongs to another process.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Generic, Self, TypeVar, cast

import httpx

from ._errors import EventLoopMismatchError, ForkedClientError

#: How many forks lie between this process and the one that imported klarna_om: connections
#: made at another count belong to an ancestor.
_generation = 0
#: Serializes reopening and binding to a loop. Made anew in a child: a lock that some thread
#: of the parent held at the fork would stay held there forever.
_lock = threading.Lock()


def _forked() -> None:
    global _generation, _lock
    _generation += 1
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # not on Windows, which cannot fork
    os.register_at_fork(after_in_child=_forked)


class Reopenable:
    """A transport klarna_om knows how to make again: a forked child gets a fresh one.

    The client's own transports and ``AiohttpTransport`` are; a caller's other transports are
    not (the client cannot copy an object it did not make), and raise ``ForkedClientError``.
    """

    def _reopened(self) -> Self:
        """The same settings without any connection: the forked child's own pool."""
        raise NotImplementedError


def running_loop() -> object:
    """The running asyncio loop, or the running trio run's token; None if neither is known."""
    asyncio = sys.modules.get("asyncio")  # not imported: no asyncio loop can be running
    if asyncio is not None:
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            pass
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            return trio.lowlevel.current_trio_token()
        except RuntimeError:
            pass
    return None


def _loop_message(done: str) -> str:
    return (
        "this client's connections belong to the event loop it was first used on, and this is "
        "another one (each asyncio.run() or trio.run() makes a new loop): make one client per "
        "event loop, e.g. with `async with AsyncKlarnaOrderManagement(...) as client:` inside "
        f"the loop; nothing was {done}"
    )


T = TypeVar("T", httpx.BaseTransport, httpx.AsyncBaseTransport)


class Connections(Generic[T]):
    """An inner transport, opened again in a forked child, and bound to one event loop (async).

    Shared by a retry transport and its ``with_policy`` copies (a client and its
    ``with_options`` children): a child process opens one new pool for them all.
    """

    __slots__ = ("_closed", "_generation", "_inherited", "_loop", "transport")

    def __init__(self, transport: T) -> None:
        self.transport: T = transport
        """The inner transport of this process."""
        self._generation = _generation
        self._loop: object = None
        self._closed = False
        # An ancestor's transports: kept so that nothing of theirs is closed or finalized here.
        self._inherited: list[T] = []

    def handle_request(
        self: Connections[httpx.BaseTransport], request: httpx.Request
    ) -> httpx.Response:
        """Send through this process's transport (reopened first in a forked child)."""
        if self._generation != _generation:
            self._reopen()
        return self.transport.handle_request(request)

    async def handle_async_request(
        self: Connections[httpx.AsyncBaseTransport], request: httpx.Request
    ) -> httpx.Response:
        """Send through this process's transport, on the event loop it is bound to."""
        if self._generation != _generation:
            self._reopen()
        loop = running_loop()
        if loop is not self._loop and loop is not None:
            self._bind(loop)
        return await self.transport.handle_async_request(request)

    def close(self: Connections[httpx.BaseTransport]) -> None:
        """Close this process's transport once; an ancestor's is left to the ancestor."""
        if self._generation == _generation and not self._closed:
            self.transport.close()
            self._closed = True

    async def aclose(self: Connections[httpx.AsyncBaseTransport]) -> None:
        """Close this process's transport once, on its own loop; an ancestor's is left to it."""
        if self._generation != _generation or self._closed:
            return
        loop = running_loop()
        if self._loop is not None and loop is not None and loop is not self._loop:
            raise EventLoopMismatchError(_loop_message("closed"))
        await self.transport.aclose()
        self._closed = True

    def _reopen(self) -> None:
        with _lock:
            if self._generation == _generation:  # another thread of this child was first
                return
            inherited = self.transport
            if not isinstance(inherited, Reopenable):
                raise ForkedClientError(
                    "this client was made before os.fork() with a transport it cannot reopen in "
                    f"another process ({type(inherited).__name__}), and its connections belong "
                    "to the parent: make the client in the process that uses it, after the fork "
                    "(the client's own transport and AiohttpTransport are reopened in a child "
                    "by themselves); nothing was sent"
                )
            self._inherited.append(self.transport)
            self.transport = cast(T, inherited._reopened())  # a T too: it reopens itself
            self._loop = None
            self._closed = False
            self._generation = _generation

    def _bind(self, loop: object) -> None:
        with _lock:
            if self._loop is None:
                self._loop = loop
            elif self._loop is not loop:
                raise EventLoopMismatchError(_loop_message("sent"))
