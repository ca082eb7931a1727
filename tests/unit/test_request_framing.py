"""``RequestFraming`` builds exactly the request httpx itself would build, only faster.

The client frames each request once per client (base URL, headers) and, with the pinned httpx,
replaces the parsed base URL's path instead of parsing every URL again. These tests compare
its requests with httpx's own, for every operation of spec/, several bases and extra headers,
and show the shortcut is taken (and not taken where it would differ).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from klarna_om._constants import USER_AGENT
from klarna_om._secret import Secret
from klarna_om._wire import RequestFraming, _url_maker
from klarna_om_generated.api import OPERATIONS
from klarna_om_generated.types import RequestParts

TIMEOUT = httpx.Timeout(30.0, connect=5.0).as_dict()
BASES = [
    "http://127.0.0.1:8089",
    "http://127.0.0.1:8089/",
    "https://api.playground.klarna.com",
    "https://api.klarna.com:443/",
    "http://[::1]:8089/sandbox/",
    "http://localhost:8089/a%20b",
]
IDS = ["o-1", "ö/ü 1?#%", "~_.-", "a%2Fb", "x" * 200]


class _Body:
    """Any request body: the generated ``build_request`` only calls ``to_dict``."""

    def to_dict(self) -> dict[str, Any]:
        return {"text": "é \u2028 ✓", "amount": 100, "lines": [{"n": 1}]}


def _every_request() -> list[RequestParts]:
    parts = []
    for record in OPERATIONS.values():
        for value in IDS:
            args = [value] * len(record.path_params)
            kwargs: dict[str, Any] = {}
            if record.idempotency_header is not None:
                kwargs["klarna_idempotency_key"] = "k-1"
            if record.body is not None:
                kwargs["body"] = _Body()
            parts.append(record.build(*args, **kwargs))
    return parts


def _httpx_built(base: str, parts: RequestParts, headers: httpx.Headers) -> httpx.Request:
    """The request as httpx builds it from the same parts (the client's former way)."""
    content = None
    if parts.json is not None:
        content = json.dumps(
            parts.json, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        ).encode()
    request = httpx.Request(
        parts.method,
        base.rstrip("/") + parts.path,
        headers=headers,
        content=content,
        extensions={"timeout": TIMEOUT},
    )
    if content is not None:
        request.headers["Content-Type"] = "application/json"
    for name, value in parts.headers.items():
        request.headers[name] = value
    return request


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("extra", [{}, {"X-Shop": "nordic-1", "Accept": "application/json"}])
def test_each_request_is_the_one_httpx_builds(base: str, extra: dict[str, str]) -> None:
    framing = RequestFraming(base, Secret("Basic czpz"), extra, TIMEOUT)
    headers = httpx.Headers(
        {
            **extra,
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "identity",
            "Authorization": "Basic czpz",
        }
    )
    every = _every_request()
    assert {p.method for p in every} >= {"GET", "POST", "PATCH"}
    for parts in every:
        ours, theirs = framing.request(parts), _httpx_built(base, parts, headers)
        assert (ours.method, str(ours.url), ours.url.raw_path) == (
            theirs.method,
            str(theirs.url),
            theirs.url.raw_path,
        )
        assert ours.url == theirs.url and ours.url.host == theirs.url.host
        assert ours.headers.raw == theirs.headers.raw
        assert ours.content == theirs.content
        assert ours.extensions == theirs.extensions


def test_the_parsed_base_is_reused_with_the_pinned_httpx() -> None:
    make = _url_maker("http://127.0.0.1:8089")
    assert make.__name__ == "prepared"  # not parsing each URL again
    assert make("/ordermanagement/v1/orders/o-1") == httpx.URL(
        "http://127.0.0.1:8089/ordermanagement/v1/orders/o-1"
    )


@pytest.mark.parametrize("base", ["http://127.0.0.1:8089/?a=1", "http://127.0.0.1:8089/#top"])
def test_a_base_with_a_query_or_fragment_is_parsed_as_before(base: str) -> None:
    make = _url_maker(base)
    assert make.__name__ == "parsed"
    assert make("/x") == httpx.URL(base + "/x")


def test_httpx_internals_that_differ_fall_back_to_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    original = httpx.URL.__init__

    def other_internals(self: httpx.URL, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._uri_reference = self._uri_reference._replace(path="/elsewhere")

    monkeypatch.setattr(httpx.URL, "__init__", other_internals)
    assert _url_maker("http://127.0.0.1:8089").__name__ == "parsed"
