"""The transport snippets of the docs (guides/client.md), run against the sandbox behind each setup.

Each snippet runs as written, with ``KLARNA_*`` set and the names the page promises
(``PROXY_URL``, ``CA_BUNDLE``, ``CLIENT_CERT``, ``CLIENT_KEY``, ``ORDER_ID``). Then the same kind
of transport carries a refund whose response is dropped after Klarna committed it (the retry with
the same key must give exactly one refund) and a read of an unknown order (a typed error).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import trustme
from opentelemetry import trace
from opentelemetry.instrumentation.httpx import SyncOpenTelemetryTransport
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from klarna_om import (
    APIConnectionError,
    AsyncKlarnaOrderManagement,
    KlarnaOrderManagement,
    NotFoundError,
    RetryPolicy,
)
from klarna_om_sandbox import SandboxServer
from tests._support.forward_proxy import ForwardProxy
from tests._support.snippets import DOCS, blocks

PAGE = DOCS / "guides" / "client.md"
SNIPPETS = [b.code for b in blocks(PAGE) if b.mode == "transports"]
NO_WAIT = RetryPolicy(initial_delay=0.01, max_delay=0.01)
EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A test CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files."""
    folder = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    client = ca.issue_cert("client@klarna-om.test")
    files = {
        "ca": folder / "ca.pem",
        "server_cert": folder / "server.pem",
        "server_key": folder / "server.key",
        "client_cert": folder / "client.pem",
        "client_key": folder / "client.key",
    }
    ca.cert_pem.write_to_path(str(files["ca"]))
    server.private_key_pem.write_to_path(str(files["server_key"]))
    for blob in server.cert_chain_pems:
        blob.write_to_path(str(files["server_cert"]), append=True)
    client.private_key_pem.write_to_path(str(files["client_key"]))
    for blob in client.cert_chain_pems:
        blob.write_to_path(str(files["client_cert"]), append=True)
    return {name: str(path) for name, path in files.items()}


@pytest.fixture(scope="module")
def servers(pki: dict[str, str]) -> Iterator[dict[str, Any]]:
    """A plain sandbox behind a forward proxy, one over TLS, and one that requires client certs."""
    with (
        SandboxServer() as plain,
        SandboxServer(tls_certfile=pki["server_cert"], tls_keyfile=pki["server_key"]) as tls,
        SandboxServer(
            tls_certfile=pki["server_cert"],
            tls_keyfile=pki["server_key"],
            tls_client_ca=pki["ca"],
        ) as mtls,
        ForwardProxy() as proxy,
    ):
        yield {"plain": plain, "tls": tls, "mtls": mtls, "proxy": proxy}


def test_the_page_has_the_six_transport_snippets() -> None:
    assert len(SNIPPETS) == 6


def _run_snippet(
    index: int,
    sandbox: SandboxServer,
    names: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[list[str], str]:
    monkeypatch.setenv("KLARNA_USERNAME", sandbox.username)
    monkeypatch.setenv("KLARNA_PASSWORD", sandbox.password)
    monkeypatch.setenv("KLARNA_BASE_URL", sandbox.base_url)
    order = sandbox.create_order(10000, captures=[{"captured_amount": 10000}])
    namespace = {"__name__": "docs_transports", "ORDER_ID": order["order_id"], **names}
    capsys.readouterr()
    # The snippets build on the imports of those before them, as a reader's session would.
    exec(compile(_imports_of(SNIPPETS[:index]) + SNIPPETS[index], str(PAGE), "exec"), namespace)
    return capsys.readouterr().out.splitlines(), order["order_id"]


def _imports_of(snippets: list[str]) -> str:
    return "".join(_imports_only(s) for s in snippets)


def _imports_only(snippet: str) -> str:
    return "".join(
        line + "\n" for line in snippet.splitlines() if line.startswith(("import ", "from "))
    )


def _retries_keys_and_errors(
    sandbox: SandboxServer, make_transport: Callable[[], httpx.BaseTransport]
) -> None:
    """A dropped refund is retried with its key and applied once; an unknown order is typed."""
    order = sandbox.create_order(10000, captures=[{"captured_amount": 10000}])
    sandbox.add_fault("refundOrder", "drop_after_commit")
    with KlarnaOrderManagement(
        sandbox.username,
        sandbox.password,
        base_url=sandbox.base_url,
        transport=make_transport(),
        retry_policy=NO_WAIT,
    ) as klarna:
        created = klarna.refund_order(order["order_id"], 2500)
        refunds = sandbox.get_order(order["order_id"])["refunds"]
        assert [(r["refund_id"], r["refunded_amount"]) for r in refunds] == [
            (created.refund_id, 2500)
        ]
        with pytest.raises(NotFoundError):
            klarna.get_order("no-such-order")


def test_through_an_http_proxy(
    servers: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy: ForwardProxy = servers["proxy"]
    sandbox: SandboxServer = servers["plain"]
    out, order_id = _run_snippet(0, sandbox, {"PROXY_URL": proxy.url}, monkeypatch, capsys)
    assert out == ["CAPTURED"]
    assert proxy.forwarded == [f"GET {sandbox.base_url}/ordermanagement/v1/orders/{order_id}"]
    _retries_keys_and_errors(sandbox, lambda: httpx.HTTPTransport(proxy=proxy.url))
    assert [f.split()[0] for f in proxy.forwarded[1:]] == ["POST", "POST", "GET"]


def test_with_a_ca_bundle(
    servers: dict[str, Any],
    pki: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox: SandboxServer = servers["tls"]
    assert sandbox.base_url.startswith("https://127.0.0.1:")
    out, _ = _run_snippet(1, sandbox, {"CA_BUNDLE": pki["ca"]}, monkeypatch, capsys)
    assert out == ["CAPTURED"]
    tls = ssl.create_default_context(cafile=pki["ca"])
    _retries_keys_and_errors(sandbox, lambda: httpx.HTTPTransport(verify=tls))
    with (  # without the CA, the certificate is refused: the TLS is real
        KlarnaOrderManagement("sandbox", "sandbox", base_url=sandbox.base_url) as klarna,
        pytest.raises(APIConnectionError),
    ):
        klarna.get_order("o-1")


def test_with_a_client_certificate(
    servers: dict[str, Any],
    pki: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox: SandboxServer = servers["mtls"]
    names = {
        "CA_BUNDLE": pki["ca"],
        "CLIENT_CERT": pki["client_cert"],
        "CLIENT_KEY": pki["client_key"],
    }
    out, _ = _run_snippet(2, sandbox, names, monkeypatch, capsys)
    assert out == ["CAPTURED"]
    tls = ssl.create_default_context(cafile=pki["ca"])
    tls.load_cert_chain(pki["client_cert"], pki["client_key"])
    _retries_keys_and_errors(sandbox, lambda: httpx.HTTPTransport(verify=tls))
    without_cert = ssl.create_default_context(cafile=pki["ca"])
    with (  # no client certificate: the server refuses the handshake
        KlarnaOrderManagement(
            "sandbox",
            "sandbox",
            base_url=sandbox.base_url,
            transport=httpx.HTTPTransport(verify=without_cert),
            retry_policy=NO_WAIT,
        ) as klarna,
        pytest.raises(APIConnectionError),
    ):
        klarna.get_order("o-1")


def test_async_within_pool_limits(
    servers: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox: SandboxServer = servers["plain"]
    out, _ = _run_snippet(3, sandbox, {}, monkeypatch, capsys)
    assert out == ["50"]

    async def bulk() -> int:
        order = sandbox.create_order(10000, captures=[{"captured_amount": 10000}])
        limits = httpx.Limits(max_connections=10, max_keepalive_connections=10)
        transport = httpx.AsyncHTTPTransport(limits=limits)
        sandbox.add_fault("refundOrder", "drop_after_commit")
        async with AsyncKlarnaOrderManagement(
            sandbox.username,
            sandbox.password,
            base_url=sandbox.base_url,
            transport=transport,
            retry_policy=NO_WAIT,
        ) as klarna:
            refunds = await asyncio.gather(
                *(klarna.refund_order(order["order_id"], 100) for _ in range(30))
            )
            opened = len(transport._pool.connections)
            with pytest.raises(NotFoundError):
                await klarna.get_order("no-such-order")
        booked = sandbox.get_order(order["order_id"])["refunds"]
        assert sorted(r["refund_id"] for r in booked) == sorted(r.refund_id for r in refunds)
        return opened

    assert asyncio.run(bulk()) <= 10


def test_traced_with_opentelemetry(
    servers: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    trace.set_tracer_provider(provider)
    sandbox: SandboxServer = servers["plain"]
    EXPORTER.clear()
    out, _ = _run_snippet(4, sandbox, {}, monkeypatch, capsys)
    assert out == ["CAPTURED"]
    assert [span.name for span in EXPORTER.get_finished_spans()] == ["GET"]
    EXPORTER.clear()
    _retries_keys_and_errors(
        sandbox, lambda: SyncOpenTelemetryTransport(httpx.HTTPTransport(), tracer_provider=provider)
    )
    spans = EXPORTER.get_finished_spans()
    # the dropped attempt, its retry, and the read of the unknown order: one span each
    assert [span.name for span in spans] == ["POST", "POST", "GET"]
    assert [(span.attributes or {}).get("http.status_code") for span in spans[1:]] == [201, 404]


def test_bulk_refunds_on_the_aiohttp_transport(
    servers: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox: SandboxServer = servers["plain"]
    out, order_id = _run_snippet(5, sandbox, {}, monkeypatch, capsys)
    assert out == []
    assert len(sandbox.get_order(order_id)["refunds"]) == 20
