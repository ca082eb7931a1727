"""What support asks for: key, correlation id and rate limit on raw responses and on every error.

Errors also carry the response headers and body, cleaned of credentials and customer data and
bounded in size; their message and repr stay free of both.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import pickle
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from klarna_om import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncKlarnaOrderManagement,
    InternalServerError,
    KlarnaError,
    KlarnaOrderManagement,
    NotFoundError,
    RateLimitError,
    ResponseTooLargeError,
)
from klarna_om._error_details import clean_text
from klarna_om._errors import status_error
from klarna_om._ratelimit import RateLimit

Handler = Callable[[httpx.Request], httpx.Response]
USERNAME = "K123456_abcd12345"
PASSWORD = "s3cr3t-Pa55w0rd-never-logged"
TOKEN = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode("ascii")
API_KEY = "klarna_test_api_c2VjcmV0LWtleS1uZXZlci1sb2dnZWQ"
BASE_URL = "https://api.playground.klarna.com"
RATE_HEADERS = {
    "X-Ratelimit-Limit": "40, 40;w=1",
    "X-Ratelimit-Remaining": "0",
    "X-Ratelimit-Reset": "1",
}
JSON = {"Content-Type": "application/json"}


def _client(handler: Handler, **kwargs: Any) -> KlarnaOrderManagement:
    if "api_key" not in kwargs:
        kwargs.setdefault("username", USERNAME)
        kwargs.setdefault("password", PASSWORD)
    return KlarnaOrderManagement(
        base_url=BASE_URL, transport=httpx.MockTransport(handler), max_retries=0, **kwargs
    )


def _answer(status: int, content: bytes = b"", headers: dict[str, str] | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers=headers)

    return handler


def _refund_error(handler: Handler, **kwargs: Any) -> KlarnaError:
    """The error of a refund (a write, key ``k-1``) that ``handler`` answers."""
    with _client(handler, **kwargs) as client, pytest.raises(KlarnaError) as info:
        client.refund_order("o-1", 500, idempotency_key="k-1")
    return info.value


def _status_error(handler: Handler, **kwargs: Any) -> APIStatusError:
    err = _refund_error(handler, **kwargs)
    assert isinstance(err, APIStatusError)
    return err


def _response(status: int, content: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request(
        "POST",
        f"{BASE_URL}/ordermanagement/v1/orders/o-1/refunds",
        headers={"Authorization": f"Basic {TOKEN}"},
    )
    return httpx.Response(status, content=content, headers=headers, request=request)


# --- RawResponse ---

CREATED = {
    "Refund-Id": "r-1",
    "Location": f"{BASE_URL}/ordermanagement/v1/orders/o-1/refunds/r-1",
    "Klarna-Correlation-Id": "cid-201",
    "X-Ratelimit-Remaining": "17",
}


def test_a_raw_response_carries_key_correlation_id_and_rate_limit() -> None:
    with _client(_answer(201, headers=CREATED)) as client:
        raw = client.with_raw_response.refund_order("o-1", 500, idempotency_key="k-1")
    assert (raw.idempotency_key, raw.correlation_id, raw.rate_limit, repr(raw)) == (
        "k-1",
        "cid-201",
        RateLimit(remaining=17),
        "RawResponse(status_code=201, idempotency_key='k-1')",
    )


def test_an_async_raw_response_carries_them_too() -> None:
    async def main() -> tuple[Any, ...]:
        async with AsyncKlarnaOrderManagement(
            USERNAME,
            PASSWORD,
            base_url=BASE_URL,
            transport=httpx.MockTransport(_answer(201, headers=CREATED)),
            max_retries=0,
        ) as client:
            raw = await client.with_raw_response.refund_order("o-1", 500, idempotency_key="k-2")
        return raw.idempotency_key, raw.correlation_id, raw.rate_limit

    assert asyncio.run(main()) == ("k-2", "cid-201", RateLimit(remaining=17))


def test_a_raw_read_without_those_headers_has_none_of_them() -> None:
    body = json.dumps({"refund_id": "r-1", "refunded_amount": 500}).encode()
    with _client(_answer(200, body, JSON)) as client:
        raw = client.with_raw_response.get_refund("o-1", "r-1")
    assert (raw.idempotency_key, raw.correlation_id, raw.rate_limit, repr(raw)) == (
        None,
        None,
        None,
        "RawResponse(status_code=200, idempotency_key=None)",
    )


# --- status errors: correlation id, rate limit, headers, body ---


@pytest.mark.parametrize(
    ("status", "cls"), [(404, NotFoundError), (429, RateLimitError), (503, InternalServerError)]
)
@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        (
            {"error_code": "E", "correlation_id": "c-body"},
            {"Klarna-Correlation-Id": "c-hdr"},
            "c-body",
        ),
        ({"error_code": "E"}, {"Klarna-Correlation-Id": "c-hdr"}, "c-hdr"),
        ({"error_code": "E"}, {}, None),
    ],
    ids=["body", "header-only", "neither"],
)
def test_an_error_carries_its_correlation_id_headers_and_body(
    status: int,
    cls: type[APIStatusError],
    body: dict[str, str],
    headers: dict[str, str],
    expected: str | None,
) -> None:
    content = json.dumps(body).encode()
    err = _status_error(_answer(status, content, {**headers, **JSON}))
    sent_headers = {k.lower(): v for k, v in headers.items()}
    assert (type(err), err.correlation_id, err.rate_limit, err.headers, err.body) == (
        cls,
        expected,
        None,
        {**sent_headers, "content-type": "application/json", "content-length": str(len(content))},
        content.decode(),
    )


def test_a_rate_limit_error_reads_klarnas_rate_limit_headers() -> None:
    err = _status_error(_answer(429, b"", RATE_HEADERS))
    assert (type(err), err.rate_limit, err.retry_after) == (
        RateLimitError,
        RateLimit(limit=40, remaining=0, reset=1.0, window=1.0),
        None,
    )


def test_cookies_and_credential_headers_are_left_out_or_masked() -> None:
    headers = httpx.Headers(
        [
            ("Set-Cookie", "session=abc123; HttpOnly"),
            ("Set-Cookie", "other=def456"),
            ("Cookie", "session=abc123"),
            ("Authorization", f"Basic {TOKEN}"),
            ("Proxy-Authorization", "Basic cHJveHk6cHJveHlwYXNz"),
            ("X-Api-Key", "short"),
            ("X-Session-Token", "tok-1"),
            ("WWW-Authenticate", 'Basic realm="Klarna"'),
            ("X-Echo", f"Basic {TOKEN}"),
            ("X-Key-Echo", f"key={API_KEY}"),
            ("Klarna-Correlation-Id", "c-1"),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, headers=headers)

    err = _status_error(handler)
    assert err.headers == {
        "x-api-key": "***",
        "x-session-token": "***",
        "www-authenticate": 'Basic realm="Klarna"',
        "x-echo": "Basic ***",
        "x-key-echo": "key=klarna_test_***",
        "klarna-correlation-id": "c-1",
    }


def test_headers_are_bounded_in_number_and_length() -> None:
    headers = [("X-Long", "v" * 5000)] + [(f"X-H{i}", str(i)) for i in range(100)]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, headers=headers)

    err = _status_error(handler)
    assert err.headers == {
        "x-long": "v" * 1024 + "...[cut]",
        **{f"x-h{i}": str(i) for i in range(63)},
    }


def test_a_huge_body_is_cut_with_a_marker() -> None:
    err = _status_error(_answer(502, b"x" * 100_000))
    assert err.body == "x" * 8192 + "...[cut: 100000 bytes in all]"


# --- secrets removed ---


def test_echoed_credentials_are_masked_in_body_and_headers() -> None:
    content = f"<html>Login {USERNAME} with {PASSWORD} failed; you sent Basic {TOKEN}</html>"
    headers = {"X-Debug": f"pw={PASSWORD}; auth={TOKEN}"}
    err = _status_error(_answer(401, content.encode(), headers))
    assert (err.body, err.headers["x-debug"]) == (
        f"<html>Login {USERNAME} with *** failed; you sent Basic ***</html>",
        "pw=***; auth=***",
    )
    for kept in (pickle.dumps(err), repr(vars(err)).encode()):
        assert (PASSWORD.encode() in kept, TOKEN.encode() in kept) == (False, False)


def test_a_password_echoed_percent_encoded_or_json_escaped_is_masked() -> None:
    password = 'pa$$/w0rd!"long'
    content = f"query ?p={quote(password, safe='')} and json {json.dumps(password)}"
    err = _status_error(_answer(401, content.encode()), password=password)
    assert err.body == 'query ?p=*** and json "***"'


def test_an_echoed_api_key_is_masked_in_body_and_header() -> None:
    content = json.dumps({"error_code": "BAD_KEY", "detail": f"key {API_KEY} is revoked"})
    err = _status_error(
        _answer(401, content.encode(), {"X-Echo": f"Basic {API_KEY}", **JSON}), api_key=API_KEY
    )
    assert (err.body, err.headers["x-echo"]) == (
        '{"error_code": "BAD_KEY", "detail": "key *** is revoked"}',
        "Basic ***",
    )


def test_another_klarna_key_keeps_only_its_environment() -> None:
    content = b"keys: klarna_live_api_bGl2ZS1rZXktbmV2ZXItc2hvd24, klarna_test_api_abc"
    err = _status_error(_answer(400, content))
    assert err.body == "keys: klarna_live_***, klarna_test_***"


def test_customer_data_and_credentials_in_a_json_body_are_masked_at_any_level() -> None:
    body = {
        "error_code": "BAD_VALUE",
        "error_messages": ["billing address rejected"],
        "correlation_id": "c-9",
        "order": {
            "billing_address": {
                "given_name": "Jane",
                "family_name": "Doe",
                "email": "jane@example.com",
                "phone": 4912345678,
                "street_address": "Main St 1",
                "postal_code": "12345",
                "city": "Berlin",
                "country": "DE",
                "title": "Dr",
                "care_of": "John",
                "attention": "Shipping",
            },
            "customer": {"date_of_birth": "1970-01-01", "national_identification_number": "1"},
            "order_lines": [{"name": "Tomatoes", "quantity": 1, "apiKey": "k", "Password": "p"}],
        },
    }
    err = _status_error(_answer(400, json.dumps(body, indent=2).encode(), JSON))
    mask = "***"
    assert json.loads(err.body) == {
        "error_code": "BAD_VALUE",
        "error_messages": ["billing address rejected"],
        "correlation_id": "c-9",
        "order": {
            "billing_address": {
                **dict.fromkeys(
                    ["given_name", "family_name", "email", "phone", "street_address"], mask
                ),
                "postal_code": mask,
                "city": mask,
                "country": "DE",
                **dict.fromkeys(["title", "care_of", "attention"], mask),
            },
            "customer": {"date_of_birth": mask, "national_identification_number": mask},
            "order_lines": [{"name": "Tomatoes", "quantity": 1, "apiKey": mask, "Password": mask}],
        },
    }
    assert err.body == json.dumps(json.loads(err.body), ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Basic realm="Klarna", Bearer error="invalid_token"',
            'Basic realm="Klarna", Bearer error="invalid_token"',
        ),
        ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig failed", "Bearer *** failed"),
        ("Basic authentication failed", "Basic authentication failed"),
        ("https://x.test/?access_token=abc123&page=2", "https://x.test/?access_token=***&page=2"),
        (
            '{"token": "abc", "email": "a@b.c", "ok": "yes"}',
            '{"token": "***", "email": "***", "ok": "yes"}',
        ),
    ],
)
def test_text_cleaning(text: str, expected: str) -> None:
    assert clean_text(text) == expected


# --- any body, never raising ---


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<html><h1>502 Bad Gateway</h1></html>", "<html><h1>502 Bad Gateway</h1></html>"),
        (b'\xff\xfe{"error_code": "X"}', '\ufffd\ufffd{"error_code": "X"}'),
        (b'{"error_code": "X", "email": "jane@exam', '{"error_code": "X", "email": "***"'),
        (b"[" * 100_000, "[" * 8192 + "...[cut: 100000 bytes in all]"),
        (b'{"a": "\\u0073' + PASSWORD[1:].encode() + b'"}', '{"a":"***"}'),
        (b"", ""),
    ],
    ids=["html", "invalid-utf8", "truncated-json", "deep-nesting", "escaped-secret", "empty"],
)
def test_any_body_builds_an_error_without_raising(content: bytes, expected: str) -> None:
    err = status_error(_response(500, content))
    assert (type(err), err.correlation_id, err.body) == (InternalServerError, None, expected)


# --- pickling, copies, and the other errors ---


def test_an_error_pickles_and_deep_copies_with_its_support_details() -> None:
    content = b'{"error_code": "TOO_MANY", "correlation_id": "c-7"}'
    err = _status_error(_answer(429, content, {**RATE_HEADERS, "Set-Cookie": "s=1", **JSON}))
    fields = (
        type(err),
        str(err),
        err.correlation_id,
        err.idempotency_key,
        err.rate_limit,
        err.headers,
        err.body,
    )
    for again in (pickle.loads(pickle.dumps(err)), copy.deepcopy(err)):
        assert isinstance(again, APIStatusError)
        assert (
            type(again),
            str(again),
            again.correlation_id,
            again.idempotency_key,
            again.rate_limit,
            again.headers,
            again.body,
            again.response,
        ) == (*fields, None)
    assert fields[4:] == (
        RateLimit(limit=40, remaining=0, reset=1.0, window=1.0),
        {
            "x-ratelimit-limit": "40, 40;w=1",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "1",
            "content-type": "application/json",
            "content-length": str(len(content)),
        },
        content.decode(),
    )


def _support(err: Any) -> tuple[Any, ...]:
    return (
        type(err),
        err.idempotency_key,
        err.correlation_id,
        err.rate_limit,
        err.headers,
        err.body,
    )


@pytest.mark.parametrize(
    ("raised", "cls"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
    ],
)
def test_no_response_gives_empty_support_details(raised: Exception, cls: type[Exception]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise raised

    err = _refund_error(handler)
    assert _support(err) == (cls, "k-1", None, None, {}, None)
    assert _support(copy.deepcopy(err)) == (cls, "k-1", None, None, {}, None)


def test_a_response_too_large_gives_empty_support_details() -> None:
    err = _refund_error(_answer(201, b"x" * 100, CREATED), max_response_bytes=10)
    assert _support(err) == (ResponseTooLargeError, "k-1", None, None, {}, None)


def test_an_unreadable_success_carries_the_support_details() -> None:
    content = b"<html>maintenance</html>"
    headers = {"Klarna-Correlation-Id": "c-200", "X-Ratelimit-Remaining": "3", "Set-Cookie": "s=1"}
    with (
        _client(_answer(200, content, headers)) as client,
        pytest.raises(APIResponseValidationError) as info,
    ):
        client.get_refund("o-1", "r-1")
    err = info.value
    assert _support(err) == (
        APIResponseValidationError,
        None,
        "c-200",
        RateLimit(remaining=3),
        {"klarna-correlation-id": "c-200", "x-ratelimit-remaining": "3", "content-length": "24"},
        "<html>maintenance</html>",
    )


def test_message_and_repr_show_no_body_nor_header() -> None:
    content = b'{"error_code": "NOT_FOUND", "error_messages": ["gone"], "detail": "in-body-only"}'
    err = _status_error(_answer(404, content, {"X-Only": "in-header-only", **JSON}))
    assert (str(err), repr(err), err.headers["x-only"], json.loads(err.body)["detail"]) == (
        "404 NOT_FOUND correlation_id=-: gone (idempotency_key=k-1)",
        "NotFoundError(status_code=404, error_code='NOT_FOUND', correlation_id=None)",
        "in-header-only",
        "in-body-only",
    )


def test_errors_built_directly_keep_working_with_empty_or_given_details() -> None:
    bare = RateLimitError(
        response=None,
        status_code=429,
        error_code=None,
        error_messages=[],
        correlation_id=None,
        idempotency_key="k-1",
    )
    given = APIResponseValidationError(
        "bad",
        response=None,
        status_code=200,
        correlation_id="c-1",
        rate_limit=RateLimit(remaining=1),
        headers={"x-a": "1"},
        body="b",
    )
    assert (_support(bare), _support(given)) == (
        (RateLimitError, "k-1", None, None, {}, ""),
        (APIResponseValidationError, None, "c-1", RateLimit(remaining=1), {"x-a": "1"}, "b"),
    )


@pytest.mark.parametrize(
    ("credentials", "echoed"),
    [
        pytest.param({}, PASSWORD, id="password"),
        pytest.param({}, TOKEN, id="basic-token"),
        pytest.param({"api_key": API_KEY}, API_KEY, id="api-key"),
    ],
)
def test_credentials_echoed_in_klarnas_messages_never_reach_the_message(
    credentials: dict[str, str], echoed: str
) -> None:
    content = json.dumps(
        {
            "error_code": "BAD_CREDENTIALS",
            "error_messages": [f"you sent {echoed}", "try again"],
            "correlation_id": "cid-9",
        }
    )
    err = _status_error(_answer(401, content.encode(), JSON), **credentials)
    assert (str(err), err.error_messages) == (
        "401 BAD_CREDENTIALS correlation_id=cid-9: you sent ***; try again (idempotency_key=k-1)",
        ["you sent ***", "try again"],
    )
    for kept in (pickle.dumps(err), repr(vars(err)).encode(), str(err).encode()):
        assert echoed.encode() not in kept
