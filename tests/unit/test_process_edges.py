"""Client edges: user info in base_url, protected header spellings, credentials out of sight."""

from __future__ import annotations

import asyncio
import base64
import copy
import inspect
import pickle
import subprocess
import sys
import types
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from klarna_om import (
    AiohttpTransport,
    AsyncKlarnaOrderManagement,
    InvalidRequestError,
    KlarnaOrderManagement,
)
from tests._support.openapi_check import SpecCheckingTransport
from tests.unit.conftest import BASE_URL, PASSWORD, USERNAME, Harness, Recorder, created

TOKEN = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
SECRETS = (PASSWORD, TOKEN, f"Basic {TOKEN}")


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
        body = json.dumps({"order_id": order_id, "status": "CAPTURED"}).encode()
        self.answer(200, body, [("Content-Type", "application/json")])

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        POSTS[0] += 1
        self.answer(201, b"", [("Refund-Id", "r-1"), ("Location", self.path + "/r-1")])


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


def _orders(request: httpx.Request) -> httpx.Response:
    if request.method == "POST":
        return created()
    return httpx.Response(200, json={"order_id": "o-1", "status": "CAPTURED"})


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
    with pytest.raises(InvalidRequestError) as info:
        cls("u", "p", base_url=url)
    monkeypatch.setenv("KLARNA_BASE_URL", url)
    with pytest.raises(InvalidRequestError) as from_env:
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
        with pytest.raises(InvalidRequestError) as info:
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


@pytest.mark.parametrize("kind", ["default", "limits", "mock"])
def test_no_attribute_of_a_sync_client_holds_the_credentials(server: str, kind: str) -> None:
    choices: dict[str, dict[str, Any]] = {
        "default": {},
        "limits": {"limits": httpx.Limits(max_connections=2)},
        "mock": {"transport": SpecCheckingTransport(httpx.MockTransport(_orders))},
    }
    options = choices[kind]
    client = KlarnaOrderManagement(USERNAME, PASSWORD, base_url=server, **options)
    child = client.with_options(headers={"X-Team": "refunds"}, max_retries=0)
    client.get_order("o-1")
    child.refund_order("o-1", 100)
    for obj in (client, child):
        text = repr(vars(obj))
        assert not [s for s in SECRETS if s in text], text
        assert "Secret('***')" in text
    assert _plain_secrets(client, child) == []
    client.close()


@pytest.mark.parametrize("kind", ["default", "aiohttp"])
def test_no_attribute_of_an_async_client_holds_the_credentials(server: str, kind: str) -> None:
    transport = AiohttpTransport() if kind == "aiohttp" else None
    client = AsyncKlarnaOrderManagement(USERNAME, PASSWORD, base_url=server, transport=transport)
    child = client.with_options(timeout=3)

    async def main() -> None:
        await client.get_order("o-1")
        await child.refund_order("o-1", 100)
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


def test_the_credentials_are_still_sent_on_every_path() -> None:
    from klarna_om_generated.api.orders import release_remaining_authorization

    rec = Recorder(_orders, httpx.Response(204))
    with KlarnaOrderManagement(
        USERNAME,
        PASSWORD,
        base_url=BASE_URL,
        transport=SpecCheckingTransport(httpx.MockTransport(rec)),
    ) as client:
        client.with_options(headers={"X-Team": "refunds"}).get_order("o-1")
        release_remaining_authorization.sync_detailed("o-1", client=client._api)
    assert [r.headers["Authorization"] for r in rec.requests] == [f"Basic {TOKEN}"] * 2
