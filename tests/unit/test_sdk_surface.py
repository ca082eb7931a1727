"""The SDK surface: with_options, with_raw_response, configuration from the environment, logs.

Every behaviour is checked on the sync and the async client (the ``harness`` fixture).
"""

from __future__ import annotations

import base64
import inspect
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest

from klarna_om import (
    APIConnectionError,
    AsyncKlarnaOrderManagement,
    AsyncKlarnaOrderManagementWithRawResponse,
    InvalidInputError,
    KlarnaError,
    KlarnaOrderManagement,
    KlarnaOrderManagementWithRawResponse,
    NotFoundError,
    RawResponse,
    RetryPolicy,
)
from tests._support.calls import CALLS, WRITES
from tests._support.harness import PASSWORD, USERNAME, Harness, Recorder

ENV = (
    "KLARNA_USERNAME",
    "KLARNA_PASSWORD",
    "KLARNA_REGION",
    "KLARNA_PLAYGROUND",
    "KLARNA_BASE_URL",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def fake_klarna(request: httpx.Request) -> httpx.Response:
    """Answers every operation as Klarna does, with a header to find in ``RawResponse``."""
    path = request.url.path
    headers: dict[str, str] = {"Klarna-Correlation-Id": "corr-1"}
    if "missing" in path:
        body: dict[str, Any] = {
            "error_code": "NOT_FOUND",
            "error_messages": ["nope"],
            "correlation_id": "c-404",
        }
        return httpx.Response(404, json=body, headers=headers)
    if path.endswith("/refunds") and request.method == "POST":
        headers |= {"Refund-Id": "r-1", "Location": f"{request.url}/r-1"}
        return httpx.Response(201, headers=headers)
    if "/refunds/" in path:
        return httpx.Response(
            200, json={"refund_id": "r-1", "refunded_amount": 500}, headers=headers
        )
    if path.endswith("-options"):
        options = {"currency": "EUR", "options": [{"number_of_days": 10, "amount": 195}]}
        return httpx.Response(200, json=options, headers=headers)
    if request.method == "GET":
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
            headers=headers,
        )
    return httpx.Response(204, headers=headers)


def _public_methods(cls: type) -> set[str]:
    return {
        name
        for name, member in vars(cls).items()
        if not name.startswith("_") and (inspect.isfunction(member) or hasattr(member, "__get__"))
    } - {"close", "aclose", "with_options", "with_raw_response", "client"}


@pytest.mark.parametrize(
    ("client_cls", "raw_cls"),
    [
        (KlarnaOrderManagement, KlarnaOrderManagementWithRawResponse),
        (AsyncKlarnaOrderManagement, AsyncKlarnaOrderManagementWithRawResponse),
    ],
)
def test_with_raw_response_has_every_method_with_the_same_parameters(
    client_cls: type, raw_cls: type
) -> None:
    assert _public_methods(client_cls) == _public_methods(raw_cls) == set(CALLS)
    view = client_cls("u", "p").with_raw_response
    assert type(view) is raw_cls
    for name in CALLS:
        plain = inspect.signature(getattr(client_cls, name))
        raw = inspect.signature(getattr(view, name))
        # The bound view method takes the client method's parameters, without ``self``.
        assert list(plain.parameters.values())[1:] == list(raw.parameters.values()), name
        assert getattr(view, name).__name__ == name


@pytest.mark.parametrize("method", sorted(CALLS))
def test_raw_response_parses_to_the_plain_result(harness: Harness, method: str) -> None:
    rec = Recorder(fake_klarna)
    client = harness.client(rec)
    args, kwargs = CALLS[method]
    plain = getattr(client, method)(*args, **kwargs)
    raw = getattr(client.with_raw_response, method)(*args, **kwargs)
    assert isinstance(raw, RawResponse)
    assert raw.parse() == plain
    expected_status = 201 if method.startswith("refund") else 204 if method in WRITES else 200
    assert (raw.status_code, raw.headers["Klarna-Correlation-Id"]) == (expected_status, "corr-1")
    assert raw.http_response.request.url == rec.requests[-1].url
    assert raw.idempotency_key == kwargs.get("idempotency_key")
    assert repr(raw) == (
        f"RawResponse(status_code={expected_status}, idempotency_key={raw.idempotency_key!r})"
    )
    assert len(rec.requests) == 2  # one call each, no retry


def _failure(fn: Callable[[], object]) -> tuple[type, str, dict[str, Any]]:
    with pytest.raises(KlarnaError) as info:
        fn()
    fields = {k: v for k, v in vars(info.value).items() if k not in ("response", "request")}
    return type(info.value), str(info.value), fields


@pytest.mark.parametrize("method", sorted(CALLS))
def test_errors_are_the_same_with_and_without_raw_response(harness: Harness, method: str) -> None:
    client = harness.client(Recorder(fake_klarna), policy=RetryPolicy(max_retries=0))
    args, kwargs = CALLS[method]
    args = ("missing-order", *args[1:])
    plain = _failure(lambda: getattr(client, method)(*args, **kwargs))
    raw = _failure(lambda: getattr(client.with_raw_response, method)(*args, **kwargs))
    assert plain == raw
    assert plain[0] is NotFoundError
    dropped = harness.client(
        Recorder(httpx.ConnectError("refused")), policy=RetryPolicy(max_retries=0)
    )
    plain = _failure(lambda: getattr(dropped, method)(*CALLS[method][0], **kwargs))
    raw = _failure(lambda: getattr(dropped.with_raw_response, method)(*CALLS[method][0], **kwargs))
    assert plain == raw
    assert plain[0] is APIConnectionError


def test_with_options_inherits_what_is_not_given_and_overrides_the_rest(harness: Harness) -> None:
    rec = Recorder(httpx.Response(503), fake_klarna)
    parent = harness.client(rec, policy=RetryPolicy(max_retries=2, initial_delay=0.25), timeout=7)
    child = parent.with_options(max_retries=0, headers={"X-Team": "refunds"})
    assert (child.base_url, child.timeout, child.max_response_bytes) == (
        parent.base_url,
        httpx.Timeout(7.0),
        parent.max_response_bytes,
    )
    assert child.retry_policy == attrs.evolve(parent.retry_policy, max_retries=0)
    assert parent.retry_policy == RetryPolicy(max_retries=2, initial_delay=0.25)

    with pytest.raises(KlarnaError):  # the 503: the child does not retry
        child.get_order("o-1")
    assert len(rec.requests) == 1
    assert child.get_order("o-1").order_id == "o-1"
    assert rec.requests[-1].headers["X-Team"] == "refunds"

    grandchild = child.with_options(timeout=3, headers={"X-Batch": "b-7"})
    grandchild.get_order("o-1")
    sent = rec.requests[-1]
    assert (sent.headers["X-Team"], sent.headers["X-Batch"]) == ("refunds", "b-7")
    assert sent.extensions["timeout"] == {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}
    assert grandchild.retry_policy == child.retry_policy

    parent.get_order("o-1")  # the parent keeps its own options
    assert "X-Team" not in rec.requests[-1].headers
    assert rec.requests[-1].extensions["timeout"]["read"] == 7.0
    retried = harness.client(Recorder(httpx.Response(503), fake_klarna), policy=RetryPolicy())
    assert retried.with_options(headers={"X-A": "1"}).get_order("o-1").order_id == "o-1"


def test_with_options_keeps_the_idempotency_key_and_credentials(harness: Harness) -> None:
    rec = Recorder(fake_klarna)
    child = harness.client(rec).with_options(headers={"X-Team": "refunds"})
    created = child.refund_order("o-1", 500)
    sent = rec.requests[-1]
    assert sent.headers["Klarna-Idempotency-Key"] == created.idempotency_key
    token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    assert sent.headers["Authorization"] == f"Basic {token}"
    assert sent.headers["User-Agent"].startswith("klarna-om/")


@pytest.mark.parametrize(
    "name",
    ["Authorization", "klarna-idempotency-key", "USER-AGENT", "Content-Type", "Host"],
)
def test_protected_headers_cannot_be_replaced(harness: Harness, name: str) -> None:
    client = harness.client(Recorder(fake_klarna))
    with pytest.raises(InvalidInputError) as info:
        client.with_options(headers={name: "mine"})
    assert info.value.field == f"headers.{name}"
    assert str(info.value).startswith(f"headers cannot set {name}: the client sets it (protected: ")
    assert "mine" not in str(info.value)


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        (
            {"max_retries": 1, "retry_policy": RetryPolicy()},
            "max_retries",
            "pass max_retries or retry_policy, not both",
        ),
        (
            {"timeout": -1},
            "timeout",
            "timeout must be a positive number of seconds or an httpx.Timeout (None would wait "
            "forever)",
        ),
        ({"headers": {"X-A": 1}}, "headers", "headers must map str to str"),
        ({"headers": {"X-A": "a\nb"}}, "headers.X-A", "headers.X-A is not a valid header"),
    ],
)
def test_invalid_options_are_input_errors(
    harness: Harness, options: dict[str, Any], field: str, message: str
) -> None:
    client = harness.client(Recorder(fake_klarna))
    with pytest.raises(InvalidInputError) as info:
        client.with_options(**options)
    assert (info.value.field, str(info.value)) == (field, message)


class _CloseSpy(httpx.MockTransport):
    closed = 0

    def close(self) -> None:
        self.closed += 1

    async def aclose(self) -> None:
        self.closed += 1


def test_closing_a_child_leaves_the_shared_pool_to_the_parent() -> None:
    spy = _CloseSpy(fake_klarna)
    parent = KlarnaOrderManagement("u", "p", base_url="http://127.0.0.1:9", transport=spy)
    child = parent.with_options(timeout=2)
    assert type(child) is KlarnaOrderManagement
    with child:
        child.get_order("o-1")
    assert spy.closed == 0
    parent.get_order("o-1")  # still open
    parent.close()
    assert spy.closed == 1


@pytest.mark.anyio
async def test_closing_an_async_child_leaves_the_shared_pool_to_the_parent() -> None:
    spy = _CloseSpy(fake_klarna)
    parent = AsyncKlarnaOrderManagement("u", "p", base_url="http://127.0.0.1:9", transport=spy)
    child = parent.with_options(max_retries=0)
    assert type(child) is AsyncKlarnaOrderManagement
    async with child:
        await child.get_order("o-1")
    assert spy.closed == 0
    await parent.aclose()
    assert spy.closed == 1


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- configuration from the environment -------------------------------------------------------

CLASSES = [KlarnaOrderManagement, AsyncKlarnaOrderManagement]


@pytest.mark.parametrize("cls", CLASSES)
def test_credentials_and_settings_come_from_the_environment(
    cls: type[KlarnaOrderManagement], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLARNA_USERNAME", "K-env")
    monkeypatch.setenv("KLARNA_PASSWORD", "env-secret")
    assert cls().base_url == "https://api.klarna.com"
    monkeypatch.setenv("KLARNA_REGION", "NA")
    monkeypatch.setenv("KLARNA_PLAYGROUND", "true")
    client = cls()
    assert client.base_url == "https://api-na.playground.klarna.com"
    assert client._authorization.reveal() == httpx.BasicAuth("K-env", "env-secret")._auth_header
    # arguments always win
    assert cls(region="oc", playground=False).base_url == "https://api-oc.klarna.com"
    explicit = cls("K-arg", "arg-secret")
    assert explicit._authorization.reveal() == httpx.BasicAuth("K-arg", "arg-secret")._auth_header
    monkeypatch.setenv("KLARNA_BASE_URL", "http://127.0.0.1:8089")
    assert cls().base_url == "http://127.0.0.1:8089"
    assert cls(base_url="https://om.test").base_url == "https://om.test"
    monkeypatch.setenv("KLARNA_PLAYGROUND", "0")
    monkeypatch.delenv("KLARNA_BASE_URL")
    assert cls().base_url == "https://api-na.klarna.com"


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize(
    ("env", "field", "message"),
    [
        (
            {},
            "api_key",
            "no Klarna API credentials: pass api_key= (or set KLARNA_API_KEY), or username= and "
            "password= (or set KLARNA_USERNAME and KLARNA_PASSWORD)",
        ),
        (
            {"KLARNA_USERNAME": "K-env-user"},
            "password",
            "no Klarna API password: pass username= and password=, or set KLARNA_USERNAME and "
            "KLARNA_PASSWORD",
        ),
        (
            {"KLARNA_PASSWORD": "hunter2-secret"},
            "username",
            "no Klarna API username: pass username= and password=, or set KLARNA_USERNAME and "
            "KLARNA_PASSWORD",
        ),
        (
            {"KLARNA_USERNAME": "u", "KLARNA_PASSWORD": "p", "KLARNA_REGION": "mars-secret"},
            "region",
            "KLARNA_REGION must be one of ['eu', 'na', 'oc']",
        ),
        (
            {"KLARNA_USERNAME": "u", "KLARNA_PASSWORD": "p", "KLARNA_PLAYGROUND": "maybe-secret"},
            "klarna_playground",
            "KLARNA_PLAYGROUND must be 1/true/yes/on or 0/false/no/off",
        ),
    ],
)
def test_missing_or_wrong_environment_is_a_clear_error_without_values(
    cls: type[KlarnaOrderManagement],
    env: dict[str, str],
    field: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(InvalidInputError) as info:
        cls()
    assert (info.value.field, str(info.value)) == (field, message)
    for value in env.values():
        if len(value) > 2:
            assert value not in str(info.value) and value not in repr(info.value)


# --- KLARNA_OM_LOG ------------------------------------------------------------------------------

PROGRAM = textwrap.dedent(
    """
    import httpx, klarna_om

    refund = {"refund_id": "r-1", "refunded_amount": 1}
    answers = [httpx.Response(503), httpx.Response(200, json=refund)]
    transport = klarna_om.RetryTransport(
        httpx.MockTransport(lambda request: answers.pop(0)), sleep=lambda s: None
    )
    with klarna_om.KlarnaOrderManagement(
        "K-user", "p-secret-never-logged", base_url="http://127.0.0.1:9", transport=transport
    ) as client:
        client.get_refund("o-1", "r-1")
    """
)
PATH = "/ordermanagement/v1/orders/o-1/refunds/r-1"


def _run_with_log(value: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "KLARNA_OM_LOG"}
    if value is not None:
        env["KLARNA_OM_LOG"] = value
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert "p-secret" not in done.stderr and "Basic " not in done.stderr
    return [line.split("] ", 1)[1] if "] " in line else line for line in done.stderr.splitlines()]


@pytest.mark.parametrize("value", [None, "", "warning", "nonsense"])
def test_without_klarna_om_log_the_library_configures_no_handler(value: str | None) -> None:
    assert _run_with_log(value) == []


def test_klarna_om_log_debug_and_info_in_a_subprocess() -> None:
    debug = _run_with_log("debug")
    assert len(debug) == 3
    assert debug[0] == (
        f"GET {PATH} -> 503 attempt=1 elapsed_ms={debug[0].split('elapsed_ms=')[1].split()[0]} "
        "idempotency_key=- correlation_id=-"
    )
    assert debug[1].startswith(f"retrying GET {PATH} in ")
    assert debug[1].endswith(" s after 503 (attempt 2 of at most 3) idempotency_key=-")
    assert debug[2].startswith(f"GET {PATH} -> 200 attempt=2 elapsed_ms=")
    (info,) = _run_with_log("INFO")
    assert info.startswith(f"retrying GET {PATH} in ")
    assert info.endswith(" s after 503 (attempt 2 of at most 3) idempotency_key=-")


def test_the_log_format_names_level_and_logger() -> None:
    env = {**os.environ, "KLARNA_OM_LOG": "info"}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, timeout=60
    )
    (line,) = done.stderr.splitlines()
    assert line.startswith("[") and " INFO klarna_om] retrying GET " in line
