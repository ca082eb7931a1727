"""Edges of processes and event loops (fork, a second loop) and of what a client keeps.

What a client keeps: no user info in base_url, no protected header under another spelling, no
credential in plain text among its attributes.

The fork tests fork for real, against a tiny HTTP server in its own process (the test process
starts no thread, so forking it is safe), and tell connections apart by the client port the server
saw (``X-Peer-Port``). What a forked child does is not measured by coverage (it leaves by
``os._exit``), so the same paths also run in process, with the fork counter moved by hand.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import inspect
import json
import os
import pickle
import select
import signal
import subprocess
import sys
import time
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import attrs
import httpx
import pytest

from klarna_om import (
    AiohttpTransport,
    AsyncKlarnaOrderManagement,
    EventLoopMismatchError,
    ForkedClientError,
    InvalidInputError,
    KlarnaError,
    KlarnaOrderManagement,
    Order,
    RawResponse,
    _process,
)
from tests._support.harness import BASE_URL, PASSWORD, USERNAME, Harness, Recorder, created
from tests._support.openapi_check import SpecCheckingTransport, checker

T = TypeVar("T")
TOKEN = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
#: An API key, sent alone (``Basic <key>``) or with the portal's UUID username.
API_KEY = "klarna_test_api_c2VjcmV0LWtleS1uZXZlci1sb2dnZWQ"
UUID_USERNAME = "0b6bd5c8-3c1e-4cb6-9a5e-2d0f5c4b7a11"
KEY_TOKEN = base64.b64encode(f"{UUID_USERNAME}:{API_KEY}".encode()).decode()
SECRETS = (PASSWORD, TOKEN, f"Basic {TOKEN}", API_KEY, KEY_TOKEN)
#: The credential styles, as the clients' keyword arguments.
CREDENTIALS: dict[str, dict[str, Any]] = {
    "password": {"username": USERNAME, "password": PASSWORD},
    "api_key": {"api_key": API_KEY},
    "uuid+api_key": {"username": UUID_USERNAME, "api_key": API_KEY},
}

#: Answers ``get_order`` with the id asked for, refunds with 201, and ``GET /__posts`` with the
#: number of POSTs received; every answer names the client port of its connection.
SERVER = """
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

POSTS = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        self.send_header("X-Peer-Port", str(self.client_address[1]))
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/__posts":
            return self.answer(200, str(POSTS[0]).encode())
        order_id = self.path.rstrip("/").rsplit("/", 1)[-1]
        body = json.dumps(
            {
                "order_id": order_id,
                "status": "CAPTURED",
                "purchase_currency": "EUR",
                "order_amount": 100,
                "captured_amount": 100,
                "refunded_amount": 0,
            }
        ).encode()
        self.answer(200, body, [("Content-Type", "application/json")])

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        POSTS[0] += 1
        location = f"http://{self.headers['Host']}{self.path}/r-1"
        self.answer(201, b"", [("Refund-Id", "r-1"), ("Location", location)])


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def posts(server: str) -> int:
    return int(httpx.get(f"{server}/__posts").text)


@attrs.define
class Child:
    """A forked child running a function; ``result()`` waits for what it sent back."""

    pid: int
    fd: int

    def result(self, timeout: float = 30.0) -> Any:
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = max(0.0, deadline - time.monotonic())
                if not select.select([self.fd], [], [], left)[0]:
                    os.kill(self.pid, signal.SIGKILL)
                    raise AssertionError("the forked child did not answer in time")
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            _, status = os.waitpid(self.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        return json.loads(b"".join(chunks))


def fork(work: Callable[[], Any]) -> Child:
    """Run ``work`` in a forked child; it sends back ``{"result": ...}`` or ``{"error": ...}``."""
    read, write = os.pipe()
    with warnings.catch_warnings():  # 3.12+ warns if some other test left a thread running
        warnings.filterwarnings("ignore", ".*use of fork", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: whatever happens, it never returns into pytest
        code = 1
        try:
            os.close(read)
            try:
                out = {"result": work()}
            except Exception as exc:
                out = {"error": f"{type(exc).__name__}: {exc}"}
            os.write(write, json.dumps(out).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return Child(pid, read)


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Close a loop as ``asyncio.run`` does: after one more pass, where closed sockets go."""
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


def spec_checked(raw: RawResponse[T]) -> T:
    """A call's result, once its request is checked against spec/ (as the unit tier does)."""
    checker().check_request(raw.http_response.request)
    return raw.parse()


def answer(raw: RawResponse[Order]) -> list[str]:
    """The order id a call got, and the client port of the connection it came on."""
    return [str(spec_checked(raw).order_id), raw.headers["x-peer-port"]]


class _CloseSpy(httpx.MockTransport):
    closed = 0

    def close(self) -> None:
        self.closed += 1

    async def aclose(self) -> None:
        self.closed += 1


def _orders(request: httpx.Request) -> httpx.Response:
    if request.method == "POST":
        return created()
    return httpx.Response(
        200,
        json={
            "order_id": "o-1",
            "status": "CAPTURED",
            "purchase_currency": "EUR",
            "order_amount": 100,
            "captured_amount": 100,
            "refunded_amount": 0,
        },
    )


# --- 1. a client used in a forked child ---------------------------------------------------------


def test_a_forked_child_gets_its_own_connections_and_answers(server: str) -> None:
    client = KlarnaOrderManagement(USERNAME, PASSWORD, base_url=server, timeout=5, max_retries=0)
    team = client.with_options(headers={"X-Team": "refunds"})  # shares the parent's pool
    port = answer(client.with_raw_response.get_order("parent-0"))[1]

    def in_child() -> list[list[str]]:
        calls = [client, team, client]
        got = [answer(c.with_raw_response.get_order(f"child-{i}")) for i, c in enumerate(calls)]
        team.close()
        client.close()  # the child's own pool; the parent's is left to the parent
        return got

    child = fork(in_child)
    mine = [answer(client.with_raw_response.get_order(f"parent-{i}")) for i in (1, 2, 3)]
    theirs = child.result()
    mine.append(answer(team.with_raw_response.get_order("parent-4")))
    client.close()

    assert mine == [[f"parent-{i}", port] for i in (1, 2, 3, 4)]
    child_port = theirs.get("result", [["", port]])[0][1]
    assert theirs == {"result": [[f"child-{i}", child_port] for i in (0, 1, 2)]}
    assert child_port != port


@pytest.mark.parametrize("kind", ["default", "limits", "aiohttp"])
def test_a_forked_child_of_an_async_client_gets_its_own_connections(server: str, kind: str) -> None:
    choices: dict[str, dict[str, Any]] = {
        "default": {},
        "limits": {"limits": httpx.Limits(max_connections=4)},
        "aiohttp": {"transport": AiohttpTransport()},
    }
    options = choices[kind]
    client = AsyncKlarnaOrderManagement(
        USERNAME, PASSWORD, base_url=server, timeout=5, max_retries=0, **options
    )
    team = client.with_options(headers={"X-Team": "refunds"})
    loop = asyncio.new_event_loop()  # not running while the process forks
    port = answer(loop.run_until_complete(client.with_raw_response.get_order("parent-0")))[1]

    async def child_calls() -> list[list[str]]:
        got = []
        for i, c in enumerate([client, team, client]):
            got.append(answer(await c.with_raw_response.get_order(f"child-{i}")))
        await client.aclose()
        return got

    async def parent_calls(ids: list[str]) -> list[list[str]]:
        return [answer(await client.with_raw_response.get_order(i)) for i in ids]

    child = fork(lambda: asyncio.run(child_calls()))
    mine = loop.run_until_complete(parent_calls(["parent-1", "parent-2"]))
    theirs = child.result()
    mine += loop.run_until_complete(parent_calls(["parent-3"]))
    loop.run_until_complete(client.aclose())
    close_loop(loop)

    assert mine == [[f"parent-{i}", port] for i in (1, 2, 3)]
    child_port = theirs.get("result", [["", port]])[0][1]
    assert theirs == {"result": [[f"child-{i}", child_port] for i in (0, 1, 2)]}
    assert child_port != port


FORKED_MESSAGE = (
    "this client was made before os.fork() with a transport it cannot reopen in another "
    "process (SpecCheckingTransport), and its connections belong to the parent: make the "
    "client in the process that uses it, after the fork (the client's own transport and "
    "AiohttpTransport are reopened in a child by themselves); nothing was sent"
)


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_forked_child_refuses_a_transport_it_cannot_reopen(flavour: str) -> None:
    rec = Recorder(_orders)
    spy = _CloseSpy(rec)
    cls = KlarnaOrderManagement if flavour == "sync" else AsyncKlarnaOrderManagement
    client: Any = cls(USERNAME, PASSWORD, base_url=BASE_URL, transport=SpecCheckingTransport(spy))
    loop = asyncio.new_event_loop()

    def run(result: Any) -> Any:
        return loop.run_until_complete(result) if inspect.isawaitable(result) else result

    run(client.get_order("o-1"))

    def in_child() -> list[Any]:
        errors = []
        calls: list[Callable[[], Any]] = [
            lambda: client.refund_order("o-1", 100),
            lambda: client.get_order("o-1"),
        ]
        for call in calls:
            try:
                asyncio.run(call()) if flavour == "async" else call()
            except ForkedClientError as exc:
                errors.append([isinstance(exc, RuntimeError), str(exc)])
        if flavour == "async":
            asyncio.run(client.aclose())
        else:
            client.close()  # leaves the parent's transport alone
        return [errors, len(rec.requests), spy.closed]

    theirs = fork(in_child).result()
    run(client.get_order("o-1"))  # the parent goes on
    run(client.aclose() if flavour == "async" else client.close())
    close_loop(loop)
    assert theirs == {"result": [[[True, FORKED_MESSAGE]] * 2, 1, 0]}
    assert (len(rec.requests), spy.closed) == (2, 1)


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Makes this process look like a forked child of itself (for coverage, see the doc)."""
    return lambda: monkeypatch.setattr(_process, "_generation", _process._generation + 1)


def test_in_a_child_the_default_pool_is_reopened_and_the_parents_left_open(
    server: str, forked: Callable[[], None]
) -> None:
    client = KlarnaOrderManagement(USERNAME, PASSWORD, base_url=server, max_retries=0)
    team = client.with_options(timeout=4)
    port = answer(client.with_raw_response.get_order("o-1"))[1]
    parents = client._transport._inner
    forked()
    child_port = answer(team.with_raw_response.get_order("o-2"))[1]
    assert answer(client.with_raw_response.get_order("o-3")) == ["o-3", child_port]
    assert child_port != port
    client.close()
    # the parent's transport, closed by nobody, still holds its connection
    response = parents.handle_request(httpx.Request("GET", f"{server}/ordermanagement/v1/o-4"))
    response.read()
    assert response.headers["x-peer-port"] == port
    parents.close()


@pytest.mark.parametrize("kind", ["default", "aiohttp"])
def test_in_a_child_an_async_pool_is_reopened_and_bound_to_the_childs_loop(
    server: str, forked: Callable[[], None], kind: str
) -> None:
    transport = AiohttpTransport() if kind == "aiohttp" else None
    client = AsyncKlarnaOrderManagement(
        USERNAME, PASSWORD, base_url=server, max_retries=0, transport=transport
    )

    async def get(order_id: str) -> list[str]:
        return answer(await client.with_raw_response.get_order(order_id))

    parent_loop = asyncio.new_event_loop()
    port = parent_loop.run_until_complete(get("o-1"))[1]
    parents = client._transport._inner
    forked()

    async def in_child() -> list[list[str]]:
        got = [await get("o-2"), await get("o-3")]
        await client.aclose()
        return got

    (first, second) = asyncio.run(in_child())  # another loop: the child's pool is bound to it
    assert (first[1] == second[1], first[1] != port) == (True, True)

    async def parents_own() -> str:
        request = httpx.Request("GET", f"{server}/ordermanagement/v1/orders/o-4")
        response = await parents.handle_async_request(request)
        await response.aread()
        await parents.aclose()
        return response.headers["x-peer-port"]

    assert parent_loop.run_until_complete(parents_own()) == port
    close_loop(parent_loop)


def test_closing_in_a_child_that_never_used_the_client_leaves_the_pool(
    forked: Callable[[], None],
) -> None:
    spy = _CloseSpy(_orders)
    client = KlarnaOrderManagement(
        USERNAME, PASSWORD, base_url=BASE_URL, transport=SpecCheckingTransport(spy)
    )
    client.get_order("o-1")
    forked()
    client.close()
    assert spy.closed == 0


def test_in_a_child_a_transport_it_cannot_reopen_is_refused_before_sending(
    forked: Callable[[], None],
) -> None:
    rec = Recorder(_orders)
    client = KlarnaOrderManagement(
        USERNAME, PASSWORD, base_url=BASE_URL, transport=SpecCheckingTransport(_CloseSpy(rec))
    )
    client.get_order("o-1")
    forked()
    with pytest.raises(ForkedClientError) as info:
        client.with_options(max_retries=5).refund_order("o-1", 100)
    assert (str(info.value), len(rec.requests)) == (FORKED_MESSAGE, 1)


def test_the_fork_hook_counts_the_fork_and_makes_a_new_lock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    generation, lock = _process._generation, _process._lock
    monkeypatch.setattr(_process, "_generation", generation)  # both restored after the test
    monkeypatch.setattr(_process, "_lock", lock)
    lock.acquire()  # as if a thread of the parent held it while the process forked
    try:
        _process._forked()
        assert (_process._generation, _process._lock.locked()) == (generation + 1, False)
    finally:
        lock.release()


# --- 2. an async client on a second event loop --------------------------------------------------

LOOP_MESSAGE = (
    "this client's connections belong to the event loop it was first used on, and this is "
    "another one (each asyncio.run() or trio.run() makes a new loop): make one client per "
    "event loop, e.g. with `async with AsyncKlarnaOrderManagement(...) as client:` inside the "
    "loop; nothing was sent"
)


@pytest.mark.parametrize("kind", ["default", "aiohttp"])
def test_a_second_event_loop_is_a_typed_error_before_anything_is_sent(
    server: str, kind: str
) -> None:
    transport = AiohttpTransport() if kind == "aiohttp" else None
    client = AsyncKlarnaOrderManagement(
        USERNAME, PASSWORD, base_url=server, max_retries=0, transport=transport
    )
    team = client.with_options(timeout=4)
    first = asyncio.new_event_loop()
    assert answer(first.run_until_complete(client.with_raw_response.get_order("o-1")))[0] == "o-1"
    before = posts(server)
    for refund in (client.refund_order, team.refund_order):
        with pytest.raises(EventLoopMismatchError) as info:
            asyncio.run(refund("o-1", 100))
        assert (str(info.value), isinstance(info.value, RuntimeError)) == (LOOP_MESSAGE, True)
    assert posts(server) == before  # no refund went through the other loop's pool
    with pytest.raises(EventLoopMismatchError) as closing:
        asyncio.run(client.aclose())
    assert str(closing.value) == LOOP_MESSAGE.replace("nothing was sent", "nothing was closed")
    first.run_until_complete(client.aclose())  # on its own loop
    close_loop(first)


def test_a_second_loop_is_refused_with_any_transport_and_under_trio() -> None:
    import trio

    rec = Recorder(_orders)
    client = AsyncKlarnaOrderManagement(
        USERNAME, PASSWORD, base_url=BASE_URL, transport=SpecCheckingTransport(_CloseSpy(rec))
    )
    trio.run(client.get_order, "o-1")
    with pytest.raises(EventLoopMismatchError):
        trio.run(client.get_order, "o-1")
    assert _process.running_loop() is None  # no loop runs here: nothing to bind to
    with pytest.raises(EventLoopMismatchError):
        asyncio.run(client.get_order("o-1"))
    assert len(rec.requests) == 1

    asyncio_bound = AsyncKlarnaOrderManagement(
        USERNAME, PASSWORD, base_url=BASE_URL, transport=SpecCheckingTransport(_CloseSpy(rec))
    )
    asyncio.run(asyncio_bound.get_order("o-1"))
    with pytest.raises(EventLoopMismatchError):
        trio.run(asyncio_bound.get_order, "o-1")
    assert len(rec.requests) == 2


def test_one_loop_many_calls_and_a_closed_client_are_fine() -> None:
    rec = Recorder(_orders)
    spy = _CloseSpy(rec)

    async def main() -> None:
        async with AsyncKlarnaOrderManagement(
            USERNAME, PASSWORD, base_url=BASE_URL, transport=SpecCheckingTransport(spy)
        ) as client:
            await asyncio.gather(*(client.get_order(f"o-{i}") for i in range(5)))
            await client.with_options(max_retries=0).get_order("o-9")

    asyncio.run(main())
    assert (len(rec.requests), spy.closed) == (6, 1)


def test_aiohttp_transport_alone_refuses_a_second_loop(server: str) -> None:
    transport = AiohttpTransport()
    request = httpx.Request("GET", f"{server}/ordermanagement/v1/orders/o-1")

    async def get(close: bool = False) -> int:
        response = await transport.handle_async_request(request)
        await response.aread()
        if close:
            await transport.aclose()
        return response.status_code

    loop = asyncio.new_event_loop()
    assert loop.run_until_complete(get()) == 200
    with pytest.raises(EventLoopMismatchError) as info:
        asyncio.run(get())
    assert str(info.value) == (
        "this AiohttpTransport's session belongs to the event loop it was first used on, and "
        "this is another one: make one transport per event loop; nothing was sent"
    )
    loop.run_until_complete(transport.aclose())
    close_loop(loop)
    assert asyncio.run(get(close=True)) == 200  # closed, it opens a session on the next loop


def test_errors_about_processes_and_loops_are_klarna_errors() -> None:
    for cls in (EventLoopMismatchError, ForkedClientError):
        assert issubclass(cls, KlarnaError) and issubclass(cls, RuntimeError)
        assert cls.__doc__ and cls.__module__ == "klarna_om"


# --- 3. user info in base_url ------------------------------------------------------------------

USER_INFO_MESSAGE = (
    "base_url must not contain user info (user:password@): pass the credentials as username= "
    "and password= (or KLARNA_USERNAME and KLARNA_PASSWORD)"
)
CLASSES = [KlarnaOrderManagement, AsyncKlarnaOrderManagement]


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize(
    "url",
    [
        "https://K1_user:hunter2@om.test",
        "https://K1_user@om.test/",
        "https://:hunter2@om.test",
        "http://K1_user:hunter2@127.0.0.1:8089",
        "https://K1_user:hunter2@om.test:443/path",
    ],
)
def test_a_base_url_with_user_info_is_refused_without_showing_it(
    cls: type[KlarnaOrderManagement], url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KLARNA_BASE_URL", raising=False)
    with pytest.raises(InvalidInputError) as info:
        cls("u", "p", base_url=url)
    monkeypatch.setenv("KLARNA_BASE_URL", url)
    with pytest.raises(InvalidInputError) as from_env:
        cls("u", "p")
    for error in (info.value, from_env.value):
        assert (error.field, str(error)) == ("base_url", USER_INFO_MESSAGE)
        assert (error.__cause__, error.__context__) == (None, None)
        assert "hunter2" not in repr(error.args) and "K1_user" not in repr(error.args)


# --- 4. protected headers spelled with underscores ---------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Klarna_Idempotency_Key",
        "klarna_idempotency-key",
        "KLARNA-IDEMPOTENCY_KEY",
        "User_Agent",
        "content_type",
        "Content_Length",
        "Transfer_Encoding",
    ],
)
def test_protected_headers_spelled_with_underscores_are_refused(
    harness: Harness, name: str
) -> None:
    rec = Recorder(created())
    client = harness.client(rec)
    for parent in (client, client.with_options(headers={"X-Team": "refunds"})):
        with pytest.raises(InvalidInputError) as info:
            parent.with_options(headers={name: "mine"})
        assert (info.value.field, str(info.value)) == (
            f"headers.{name}",
            f"headers cannot set {name}: the client sets it (protected: authorization, "
            "content-length, content-type, host, klarna-idempotency-key, transfer-encoding, "
            "user-agent; names compare ignoring case, with _ as -)",
        )
    assert rec.requests == []


# --- 5. credentials in the client's attributes --------------------------------------------------


def _strings(root: object, depth: int = 12) -> Iterator[tuple[str, str]]:
    """Every str (and bytes, decoded) reachable from ``root`` through attributes and containers.

    Functions, classes and modules are code, not data, and are not entered.
    """
    seen: set[int] = set()
    stack: list[tuple[str, object, int]] = [("client", root, 0)]
    while stack:
        path, obj, level = stack.pop()
        if isinstance(obj, str):
            yield path, obj
            continue
        if isinstance(obj, bytes | bytearray):
            yield path, bytes(obj).decode("latin-1")
            continue
        if id(obj) in seen or level >= depth or obj is None or isinstance(obj, int | float):
            continue
        seen.add(id(obj))
        if isinstance(obj, type | types.ModuleType) or inspect.isroutine(obj):
            continue
        children: list[tuple[str, object]] = []
        if isinstance(obj, dict):
            children = [(f"[{k!r}]", v) for k, v in obj.items()] + [("<key>", k) for k in obj]
        elif isinstance(obj, list | tuple | set | frozenset):
            children = [(f"[{i}]", v) for i, v in enumerate(obj)]
        else:
            if hasattr(obj, "__dict__"):
                children += [(f".{k}", v) for k, v in vars(obj).items()]
            for cls in type(obj).__mro__:
                for slot in getattr(cls, "__slots__", ()):
                    if isinstance(slot, str) and hasattr(obj, slot):
                        children.append((f".{slot}", getattr(obj, slot)))
        stack.extend((path + name, child, level + 1) for name, child in children)


def _plain_secrets(*objects: object) -> list[str]:
    return [
        path
        for obj in objects
        for path, text in _strings(obj)
        if any(secret in text for secret in SECRETS)
    ]


def test_the_walk_finds_a_credential_held_in_plain_text() -> None:
    holder = types.SimpleNamespace(deep={"list": [httpx.BasicAuth(USERNAME, PASSWORD)]})
    assert _plain_secrets(holder) == [
        "client.deep['list'][0]._auth_header",
    ]


@pytest.mark.parametrize("style", sorted(CREDENTIALS))
@pytest.mark.parametrize("kind", ["default", "limits", "mock"])
def test_no_attribute_of_a_sync_client_holds_the_credentials(
    server: str, kind: str, style: str
) -> None:
    choices: dict[str, dict[str, Any]] = {
        "default": {},
        "limits": {"limits": httpx.Limits(max_connections=2)},
        "mock": {"transport": SpecCheckingTransport(httpx.MockTransport(_orders))},
    }
    options = choices[kind]
    client = KlarnaOrderManagement(base_url=server, **CREDENTIALS[style], **options)
    child = client.with_options(headers={"X-Team": "refunds"}, max_retries=0)
    spec_checked(client.with_raw_response.get_order("o-1"))
    spec_checked(child.with_raw_response.refund_order("o-1", 100))
    for obj in (client, child):
        text = repr(vars(obj))
        assert not [s for s in SECRETS if s in text], text
        assert "Secret('***')" in text
    assert _plain_secrets(client, child) == []
    client.close()


@pytest.mark.parametrize("style", sorted(CREDENTIALS))
@pytest.mark.parametrize("kind", ["default", "aiohttp"])
def test_no_attribute_of_an_async_client_holds_the_credentials(
    server: str, kind: str, style: str
) -> None:
    transport = AiohttpTransport() if kind == "aiohttp" else None
    client = AsyncKlarnaOrderManagement(base_url=server, transport=transport, **CREDENTIALS[style])
    child = client.with_options(timeout=3)

    async def main() -> None:
        spec_checked(await client.with_raw_response.get_order("o-1"))
        spec_checked(await child.with_raw_response.refund_order("o-1", 100))
        assert _plain_secrets(client, child) == []
        await client.aclose()

    asyncio.run(main())
    for obj in (client, child):
        assert not [s for s in SECRETS if s in repr(vars(obj))]


def test_a_secret_shows_stars_and_is_neither_copied_nor_pickled() -> None:
    from klarna_om._secret import Secret

    secret = Secret(PASSWORD)
    assert (repr(secret), str(secret), f"{secret}") == ("Secret('***')",) * 3
    assert copy.copy(secret) is secret and copy.deepcopy({"s": secret})["s"] is secret
    with pytest.raises(TypeError, match=r"^a Secret is not pickled: it holds credentials$"):
        pickle.dumps(secret)
    assert secret.reveal() == PASSWORD


def test_the_credentials_are_still_sent_by_parent_and_child() -> None:
    rec = Recorder(_orders, httpx.Response(204))
    with KlarnaOrderManagement(
        USERNAME,
        PASSWORD,
        base_url=BASE_URL,
        transport=SpecCheckingTransport(httpx.MockTransport(rec)),
    ) as client:
        client.with_options(headers={"X-Team": "refunds"}).get_order("o-1")
        client.release_remaining_authorization("o-1")
    assert [r.headers["Authorization"] for r in rec.requests] == [f"Basic {TOKEN}"] * 2
