"""API-key credentials: ``api_key=`` (and ``KLARNA_API_KEY``), alone or with the UUID username.

One credential style per client; a live key against a playground host of spec/ (or a test key
against production) is refused before sending; the key never reaches a message, a log or a
repr (the object-graph walk is ``tests/unit/test_process_edges.py``'s, over every style).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from typing import Any

import httpx
import pytest

from klarna_om import (
    AsyncKlarnaOrderManagement,
    AuthenticationError,
    InvalidInputError,
    KlarnaOrderManagement,
    RetryPolicy,
    RetryTransport,
)
from klarna_om_generated.api import SERVERS
from tests._support.harness import PASSWORD, USERNAME, Recorder, created, error_response
from tests._support.openapi_check import SpecCheckingTransport

CLASSES = [KlarnaOrderManagement, AsyncKlarnaOrderManagement]
LIVE = "klarna_live_api_bGl2ZS1rZXktbmV2ZXItc2hvd24"
TEST = "klarna_test_api_dGVzdC1rZXktbmV2ZXItc2hvd24"
UUID = "0b6bd5c8-3c1e-4cb6-9a5e-2d0f5c4b7a11"
ENV = (
    "KLARNA_API_KEY",
    "KLARNA_USERNAME",
    "KLARNA_PASSWORD",
    "KLARNA_PROVIDER",
    "KLARNA_REGION",
    "KLARNA_PLAYGROUND",
    "KLARNA_BASE_URL",
)


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def sent_authorization(cls: type[Any], *args: Any, **kwargs: Any) -> str:
    """The ``Authorization`` header a client made with these arguments sends."""
    rec = Recorder(created())
    transport = SpecCheckingTransport(httpx.MockTransport(rec))
    client = cls(*args, base_url="https://om.test", transport=transport, **kwargs)
    if cls is KlarnaOrderManagement:
        client.refund_order("o-1", 100)
        client.close()
    else:

        async def main() -> None:
            await client.refund_order("o-1", 100)
            await client.aclose()

        asyncio.run(main())
    value: str = rec.requests[0].headers["Authorization"]
    return value


@pytest.mark.parametrize("cls", CLASSES)
def test_a_key_alone_is_sent_as_itself(cls: type[Any]) -> None:
    assert sent_authorization(cls, api_key=TEST) == f"Basic {TEST}"


@pytest.mark.parametrize("cls", CLASSES)
def test_a_key_with_the_uuid_username_is_standard_basic(cls: type[Any]) -> None:
    token = base64.b64encode(f"{UUID}:{TEST}".encode()).decode()
    assert sent_authorization(cls, UUID, api_key=TEST) == f"Basic {token}"
    assert (
        sent_authorization(cls, UUID.upper(), api_key=TEST)
        == httpx.BasicAuth(UUID.upper(), TEST)._auth_header
    )


@pytest.mark.parametrize("cls", CLASSES)
def test_the_key_from_the_environment_and_arguments_win(
    cls: type[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLARNA_API_KEY", TEST)
    assert sent_authorization(cls) == f"Basic {TEST}"
    monkeypatch.setenv("KLARNA_USERNAME", UUID)
    assert sent_authorization(cls) == httpx.BasicAuth(UUID, TEST)._auth_header
    # A password given as an argument leaves KLARNA_API_KEY unread, and the other way round.
    basic = httpx.BasicAuth(USERNAME, PASSWORD)._auth_header
    assert sent_authorization(cls, USERNAME, PASSWORD) == basic
    monkeypatch.delenv("KLARNA_USERNAME")
    monkeypatch.delenv("KLARNA_API_KEY")
    monkeypatch.setenv("KLARNA_PASSWORD", PASSWORD)
    assert sent_authorization(cls, api_key=LIVE) == f"Basic {LIVE}"


NO_CREDENTIALS = (
    "no Klarna API credentials: pass api_key= (or set KLARNA_API_KEY), or username= and "
    "password= (or set KLARNA_USERNAME and KLARNA_PASSWORD)"
)
NOT_UUID = (
    "with an API key, username must be the portal's UUID username, or none (a merchant username "
    "such as K123_abc goes with a password; KLARNA_USERNAME counts too)"
)


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize(
    ("args", "kwargs", "env", "field", "message"),
    [
        ((), {}, {}, "api_key", NO_CREDENTIALS),
        (
            (USERNAME, PASSWORD),
            {"api_key": TEST},
            {},
            "api_key",
            "pass api_key= or password=, not both: one credential style per client",
        ),
        (
            (),
            {},
            {"KLARNA_API_KEY": TEST, "KLARNA_PASSWORD": PASSWORD},
            "api_key",
            "KLARNA_API_KEY and KLARNA_PASSWORD are both set: one credential style per client "
            "(unset one of them, or pass api_key= or password=)",
        ),
        ((USERNAME,), {"api_key": TEST}, {}, "username", NOT_UUID),
        ((), {"api_key": TEST}, {"KLARNA_USERNAME": USERNAME}, "username", NOT_UUID),
        ((), {}, {"KLARNA_API_KEY": LIVE, "KLARNA_USERNAME": USERNAME}, "username", NOT_UUID),
        (
            (),
            {"api_key": f"{TEST}\r\nX-Evil: 1"},
            {},
            "api_key",
            "api_key must be a non-empty str of visible ASCII characters",
        ),
        (
            (),
            {"api_key": f"{TEST} x"},
            {},
            "api_key",
            "api_key must be a non-empty str of visible ASCII characters",
        ),
    ],
)
def test_one_credential_style_per_client_named_without_values(
    cls: type[Any],
    args: tuple[str, ...],
    kwargs: dict[str, str],
    env: dict[str, str],
    field: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(InvalidInputError) as info:
        cls(*args, base_url="https://om.test", **kwargs)
    assert (info.value.field, str(info.value)) == (field, message)
    shown = str(info.value) + repr(info.value.args)
    for secret in (TEST, LIVE, PASSWORD, USERNAME):
        assert secret not in shown


WRONG_HOST = {
    LIVE: "api_key is a live key (klarna_live_...) and the host is a playground host: use a "
    "klarna_test_ key, or playground=False",
    TEST: "api_key is a test key (klarna_test_...) and the host is a production host: use a "
    "klarna_live_ key, or playground=True",
}


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("server", SERVERS, ids=lambda s: s.url)
def test_a_key_for_the_other_environment_is_refused_before_sending(
    cls: type[Any], server: Any
) -> None:
    region = server.region or None
    options = {"provider": server.provider, "region": region, "playground": server.playground}
    right, wrong = (TEST, LIVE) if server.playground else (LIVE, TEST)
    assert cls(api_key=right, **options).base_url == server.url
    assert cls(UUID, api_key=right, **options).base_url == server.url
    for args, kwargs in (((), options), ((UUID,), options), ((), {"base_url": server.url})):
        with pytest.raises(InvalidInputError) as info:
            cls(*args, api_key=wrong, **kwargs)
        assert (info.value.field, str(info.value)) == ("api_key", WRONG_HOST[wrong])


@pytest.mark.parametrize("cls", CLASSES)
def test_another_host_or_a_key_without_klarnas_prefix_is_not_checked(cls: type[Any]) -> None:
    # The sandbox on loopback, or any base_url that is none of spec/'s servers: not known.
    for url in ("http://127.0.0.1:8089", "https://om.test", "https://proxy.example"):
        assert cls(api_key=LIVE, base_url=url).base_url == url
        assert cls(api_key=TEST, base_url=url).base_url == url
    assert cls(api_key="kustom-key-1", playground=True).base_url.endswith("playground.klarna.com")


def test_the_key_never_reaches_logs_errors_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    rec = Recorder(
        error_response(503, "TEMPORARILY_UNAVAILABLE"),
        error_response(401, "UNAUTHORIZED", "Bad credentials"),
    )
    transport = RetryTransport(
        SpecCheckingTransport(httpx.MockTransport(rec)),
        policy=RetryPolicy(),
        sleep=lambda _: None,
        jitter=lambda: 0.0,
    )
    for args in ((), (UUID,)):
        client = KlarnaOrderManagement(
            *args, api_key=TEST, base_url="https://om.test", transport=transport
        )
        child = client.with_options(headers={"X-Team": "refunds"})
        with pytest.raises(AuthenticationError) as info:
            child.refund_order("o-1", 100, idempotency_key="key-1")
        everything = (
            caplog.text
            + str(info.value)
            + repr(info.value)
            + repr(client)
            + repr(child)
            + repr(vars(client))
            + repr(vars(child))
            + "".join(str(a) for r in caplog.records for a in (r.args or ()))
        )
        token = base64.b64encode(f"{UUID}:{TEST}".encode()).decode()
        for secret in (TEST, token, "Authorization", "Basic "):
            assert secret not in everything
        rec.responses = [error_response(503, "X"), error_response(401, "UNAUTHORIZED")]
    assert [r.headers["Authorization"] for r in rec.requests][::2] == [
        f"Basic {TEST}",
        httpx.BasicAuth(UUID, TEST)._auth_header,
    ]
