"""Client edges: user info in base_url, protected header spellings, credentials out of sight."""

from __future__ import annotations

import pytest

from klarna_om import (
    AsyncKlarnaOrderManagement,
    InvalidRequestError,
    KlarnaOrderManagement,
)

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
