"""Requests on the wire, configuration, path parameters, logging and secrecy."""

from __future__ import annotations

import importlib.metadata
import logging
import platform
import re
import types
from typing import Any

import httpx
import pytest

import klarna_om
import klarna_om_generated.models
from klarna_om import (
    DEFAULT_TIMEOUT,
    AsyncKlarnaOrderManagement,
    InvalidInputError,
    KlarnaOrderManagement,
    NotFoundError,
    OrderLine,
    PermissionDeniedError,
    derive_idempotency_key,
)
from tests._support.data import TOMATOES
from tests._support.harness import PASSWORD, USERNAME, Harness, Recorder, created, error_response
from tests._support.openapi_check import SpecCheckingTransport

BASE = "/ordermanagement/v1/orders"


def test_refund_order_request(harness: Harness) -> None:
    rec = Recorder(created())
    harness.client(rec).refund_order(
        "o-1",
        3000,
        order_lines=[TOMATOES],
        reference="ref-1",
        description="Returned tomatoes",
        idempotency_key="key-1",
    )
    request = rec.requests[0]
    assert (request.method, str(request.url)) == ("POST", f"https://om.test{BASE}/o-1/refunds")
    assert rec.body() == {
        "refunded_amount": 3000,
        "reference": "ref-1",
        "description": "Returned tomatoes",
        "order_lines": [TOMATOES],
    }
    expected_auth = httpx.BasicAuth(USERNAME, PASSWORD)._auth_header
    assert {
        k: request.headers[k]
        for k in ("content-type", "authorization", "klarna-idempotency-key", "user-agent")
    } == {
        "content-type": "application/json",
        "authorization": expected_auth,
        "klarna-idempotency-key": "key-1",
        "user-agent": (
            f"klarna-om/{klarna_om.__version__} Python/{platform.python_version()} "
            f"httpx/{httpx.__version__}"
        ),
    }


def test_get_refund_request_and_result(harness: Harness) -> None:
    body = {
        "refund_id": "r-1",
        "refunded_amount": 3000,
        "refunded_at": "2015-12-04T15:17:40Z",
        "description": "d",
        "reference": "ref",
        "order_lines": [TOMATOES],
        "credit_invoice": False,
    }
    rec = Recorder(httpx.Response(200, json=body))
    refund = harness.client(rec).get_refund("o-1", "r-1")
    assert (rec.requests[0].method, rec.requests[0].url.path) == ("GET", f"{BASE}/o-1/refunds/r-1")
    assert rec.requests[0].content == b""
    assert refund.to_dict() == {**body, "refunded_at": "2015-12-04T15:17:40+00:00"}
    assert refund.order_lines[0] == OrderLine.from_dict(TOMATOES)


def test_release_request(harness: Harness) -> None:
    rec = Recorder(httpx.Response(204))
    harness.client(rec).release_remaining_authorization("o-1", idempotency_key="k")
    request = rec.requests[0]
    assert (request.method, request.url.path, request.content) == (
        "POST",
        f"{BASE}/o-1/release-remaining-authorization",
        b"",
    )
    assert "content-type" not in request.headers


def test_extend_due_date_request(harness: Harness) -> None:
    rec = Recorder(httpx.Response(204))
    harness.client(rec).extend_due_date("o-1", "c-1", 30)
    request = rec.requests[0]
    assert (request.method, request.url.path) == (
        "PATCH",
        f"{BASE}/o-1/captures/c-1/extend-due-date",
    )
    assert rec.body() == {"number_of_days": 30}


def test_options_request(harness: Harness) -> None:
    rec = Recorder(
        httpx.Response(
            200, json={"currency": "SEK", "options": [{"number_of_days": 10, "amount": 2900}]}
        )
    )
    options = harness.client(rec).get_extend_due_date_options("o-1", "c-1")
    assert rec.requests[0].url.path == f"{BASE}/o-1/captures/c-1/extend-due-date-options"
    assert [(o.number_of_days, o.amount) for o in options.options] == [(10, 2900)]
    assert options.currency == "SEK"


def test_path_parameters_are_percent_encoded(harness: Harness) -> None:
    rec = Recorder(httpx.Response(200, json={"refund_id": "r-1", "refunded_amount": 1}))
    harness.client(rec).get_refund("a/b c?d", "é#1")
    assert (
        rec.requests[0].url.raw_path
        == b"/ordermanagement/v1/orders/a%2Fb%20c%3Fd/refunds/%C3%A9%231"
    )


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda c: c.get_refund("", "r"), "order_id", "order_id must be a non-empty str"),
        (
            lambda c: c.get_refund("o\n1", "r"),
            "order_id",
            "order_id has a control character at position 1",
        ),
        (
            lambda c: c.get_refund("o", "r\x00"),
            "refund_id",
            "refund_id has a control character at position 1",
        ),
        (
            lambda c: c.get_extend_due_date_options("o", None),
            "capture_id",
            "capture_id must be a non-empty str",
        ),
        (
            lambda c: c.release_remaining_authorization("o\x7f"),
            "order_id",
            "order_id has a control character at position 1",
        ),
        (
            lambda c: c.extend_due_date("o", "c", 0),
            "number_of_days",
            "number_of_days is 0, it must be between 1 and 2147483647",
        ),
        (
            lambda c: c.extend_due_date("o", "c", 10.0),
            "number_of_days",
            "number_of_days must be an int, not float",
        ),
        (
            lambda c: c.refund_order("o", 100, idempotency_key=""),
            "idempotency_key",
            "idempotency_key must be 1-255 printable ASCII characters",
        ),
        (
            lambda c: c.refund_order("o", 100, idempotency_key="ключ"),
            "idempotency_key",
            "idempotency_key must be 1-255 printable ASCII characters",
        ),
        (lambda c: c.refund_order(7, 100), "order_id", "order_id must be a non-empty str"),
    ],
)
def test_bad_input_is_rejected_before_sending(
    harness: Harness, call: Any, field: str, message: str
) -> None:
    rec = Recorder(created())
    with pytest.raises(InvalidInputError) as info:
        call(harness.client(rec))
    assert (info.value.field, str(info.value), rec.requests) == (field, message, [])
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "url"),
    [
        ({}, "https://api.klarna.com"),
        ({"playground": True}, "https://api.playground.klarna.com"),
        ({"region": "na"}, "https://api-na.klarna.com"),
        ({"region": "na", "playground": True}, "https://api-na.playground.klarna.com"),
        ({"region": "oc"}, "https://api-oc.klarna.com"),
        ({"region": "oc", "playground": True}, "https://api-oc.playground.klarna.com"),
        ({"region": "oc", "base_url": "http://127.0.0.1:8089"}, "http://127.0.0.1:8089"),
    ],
)
def test_base_urls(kwargs: dict[str, Any], url: str) -> None:
    with KlarnaOrderManagement("u", "p", **kwargs) as client:
        assert client.base_url == url


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"region": "us"}, "region"),
        ({"timeout": None}, "timeout"),
    ],
)
def test_bad_configuration(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        KlarnaOrderManagement("u", "p", **kwargs)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("username", "password", "field"), [("", "p", "username"), ("u", "", "password")]
)
def test_credentials_are_required(username: str, password: str, field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        AsyncKlarnaOrderManagement(username, password)
    assert info.value.field == field


def test_timeouts() -> None:
    assert httpx.Timeout(30.0, connect=5.0) == DEFAULT_TIMEOUT
    with KlarnaOrderManagement("u", "p") as client:
        assert client.timeout == DEFAULT_TIMEOUT
    with KlarnaOrderManagement("u", "p", timeout=2.5) as client:
        assert client.timeout == httpx.Timeout(2.5)


def test_timeout_reaches_the_transport(harness: Harness) -> None:
    seen: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(204)

    harness.client(
        Recorder(handler), timeout=httpx.Timeout(3.0, connect=1.0)
    ).release_remaining_authorization("o-1")
    assert seen == [{"connect": 1.0, "read": 3.0, "write": 3.0, "pool": 3.0}]


def test_context_managers_close_the_transport() -> None:
    import asyncio

    closed: list[str] = []

    class Transport(httpx.MockTransport):
        def close(self) -> None:
            closed.append("sync")

        async def aclose(self) -> None:
            closed.append("async")

    with KlarnaOrderManagement(
        "u", "p", transport=SpecCheckingTransport(Transport(lambda r: created()))
    ) as client:
        assert client.refund_order("o-1", 1).refund_id == "r-1"

    async def use() -> None:
        async with AsyncKlarnaOrderManagement(
            "u", "p", transport=SpecCheckingTransport(Transport(lambda r: created()))
        ) as aclient:
            assert (await aclient.refund_order("o-1", 1)).refund_id == "r-1"

    asyncio.run(use())
    assert closed == ["sync", "async"]


def test_repr_hides_credentials(harness: Harness) -> None:
    client = harness.client(Recorder(created()))
    text = repr(client)
    assert PASSWORD not in text and USERNAME not in text
    assert re.fullmatch(
        r"(Async)?KlarnaOrderManagement\(provider='klarna', base_url='https://om.test', "
        r"max_retries=2, timeout=Timeout\(connect=5.0, read=30.0, write=30.0, "
        r"pool=30.0\)\)",
        text,
    )


def test_debug_log_has_one_line_per_attempt_and_retry_and_no_secrets(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rec = Recorder(
        error_response(503, "TEMPORARILY_UNAVAILABLE", cid="cid-503"),
        error_response(403, "REFUND_NOT_ALLOWED", "Over refund", cid="cid-403"),
    )
    with pytest.raises(PermissionDeniedError) as info:
        harness.client(rec).refund_order(
            "o-1", 3000, order_lines=[TOMATOES], idempotency_key="key-log"
        )
    ours = [r for r in caplog.records if r.name == "klarna_om"]
    lines = [re.sub(r"elapsed_ms=\d+\.\d", "elapsed_ms=X", r.getMessage()) for r in ours]
    assert lines == [
        f"POST {BASE}/o-1/refunds -> 503 attempt=1 elapsed_ms=X idempotency_key=key-log "
        "correlation_id=cid-503",
        f"retrying POST {BASE}/o-1/refunds in 0.50 s after 503 (attempt 2 of at most 3) "
        "idempotency_key=key-log",
        f"POST {BASE}/o-1/refunds -> 403 attempt=2 elapsed_ms=X idempotency_key=key-log "
        "correlation_id=cid-403",
    ]
    everything = (
        caplog.text
        + str(info.value)
        + repr(info.value)
        + "".join(str(a) for r in caplog.records for a in (r.args or ()))
    )
    for secret in (PASSWORD, USERNAME, "Tomatoes", "Authorization", "Basic "):
        assert secret not in everything


def test_debug_log_of_a_transport_failure(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="klarna_om")
    rec = Recorder(
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"refund_id": "r-1", "refunded_amount": 1}),
    )
    harness.client(rec).get_refund("o-1", "r-1")
    lines = [
        re.sub(r"elapsed_ms=\d+\.\d", "elapsed_ms=X", r.getMessage())
        for r in caplog.records
        if r.name == "klarna_om"
    ]
    assert lines == [
        f"GET {BASE}/o-1/refunds/r-1 -> ConnectError attempt=1 elapsed_ms=X idempotency_key=- "
        "correlation_id=-",
        f"retrying GET {BASE}/o-1/refunds/r-1 in 0.50 s after ConnectError (attempt 2 of at "
        "most 3) idempotency_key=-",
        f"GET {BASE}/o-1/refunds/r-1 -> 200 attempt=2 elapsed_ms=X idempotency_key=- "
        "correlation_id=-",
    ]


def test_derived_keys_are_stable_and_distinct() -> None:
    first = derive_idempotency_key("o-1", "refund", "ret-2026-001")
    assert first == derive_idempotency_key("o-1", "refund", "ret-2026-001")
    assert first != derive_idempotency_key("o-1", "refund", "ret-2026-002")
    assert first != derive_idempotency_key("o-1refund", "ret-2026-001")
    with pytest.raises(InvalidInputError):
        derive_idempotency_key()
    with pytest.raises(InvalidInputError):
        derive_idempotency_key("o-1", "")


def test_exported_members() -> None:
    assert klarna_om.__all__ == sorted(  # isort style, as ruff's RUF022 keeps it
        klarna_om.__all__, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n)
    )
    loaded = {name: getattr(klarna_om, name) for name in klarna_om.__all__}  # lazy: load all
    public = {
        name
        for name, value in vars(klarna_om).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public | {"__version__"} == set(klarna_om.__all__) == set(loaded)
    assert set(dir(klarna_om)) >= set(klarna_om.__all__)
    with pytest.raises(AttributeError):
        klarna_om.NoSuchName  # noqa: B018
    for name in klarna_om.__all__:
        obj = getattr(klarna_om, name)
        if not (isinstance(obj, type) or callable(obj)):
            continue
        assert obj.__doc__, name
        # Handwritten classes and functions show as klarna_om.X; generated models keep their
        # module (their annotations resolve there).
        generated = name in vars(klarna_om_generated.models) or name.endswith("Input")
        if generated:
            assert obj.__module__.startswith("klarna_om_generated.models."), name
        else:
            assert (name, obj.__module__) == (name, "klarna_om")


def test_errors_print_with_the_public_module() -> None:
    assert repr(NotFoundError) == "<class 'klarna_om.NotFoundError'>"


def test_version_is_the_distributions() -> None:
    assert klarna_om.__version__ == importlib.metadata.version("klarna-om")


def test_importing_klarna_om_loads_no_spec_or_yaml() -> None:
    import subprocess
    import sys

    code = (
        "import sys, builtins; opened = []; real = builtins.open\n"
        "builtins.open = lambda f, *a, **k: (opened.append(str(f)), real(f, *a, **k))[1]\n"
        "import klarna_om\n"
        "print(sorted(m for m in sys.modules if 'yaml' in m or 'openapi' in m), "
        "[f for f in opened if f.endswith(('.yaml', '.yml', '.json'))])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[] []"
