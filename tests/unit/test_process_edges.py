"""Client edges: user info in base_url, protected header spellings, credentials out of sight."""

from __future__ import annotations

import pytest

from klarna_om import (
    AsyncKlarnaOrderManagement,
    InvalidRequestError,
    KlarnaOrderManagement,
)
from tests.unit.conftest import Harness, Recorder, created

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
