"""What support asks for: key, correlation id and rate limit on raw responses and on every error.

Errors also carry the response headers and body, cleaned of credentials and customer data and
bounded in size; their message and repr stay free of both.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import html
import json
import pickle
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus

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
from klarna_om._errors import status_error
from klarna_om._ratelimit import RateLimit
from klarna_om._redact import clean_text

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


# --- correlation ids: only plain ids, never an echo ---


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        pytest.param({"correlation_id": f"Basic {TOKEN}"}, {}, id="body-basic-token"),
        pytest.param({"correlation_id": PASSWORD}, {}, id="body-password"),
        pytest.param({"correlation_id": "c 1\nline"}, {}, id="body-not-plain"),
        pytest.param({}, {"Klarna-Correlation-Id": f"{USERNAME}:{PASSWORD}"}, id="header-user-pw"),
        pytest.param({}, {"Klarna-Correlation-Id": TOKEN}, id="header-token"),
        pytest.param({}, {"Klarna-Correlation-Id": API_KEY}, id="header-klarna-key"),
        pytest.param({}, {"Klarna-Correlation-Id": "c" * 129}, id="header-too-long"),
    ],
)
def test_a_correlation_id_that_could_be_an_echo_reads_as_none(
    body: dict[str, str], headers: dict[str, str]
) -> None:
    content = json.dumps({"error_code": "DENIED", "error_messages": ["denied"], **body})
    err = _status_error(_answer(401, content.encode(), {**headers, **JSON}))
    assert (err.correlation_id, str(err), repr(err)) == (
        None,
        "401 DENIED correlation_id=-: denied (idempotency_key=k-1)",
        "AuthenticationError(status_code=401, error_code='DENIED', correlation_id=None)",
    )
    kept = pickle.dumps(err) + repr(vars(err)).encode()
    for secret in (PASSWORD, TOKEN, API_KEY):
        assert secret.encode() not in kept


@pytest.mark.parametrize(
    ("body_id", "header_id", "expected"),
    [
        (f"Basic {TOKEN}", "c-hdr", "c-hdr"),
        ("66782175-ae05-44fc-9eb3-eeceadbad271", "c-hdr", "66782175-ae05-44fc-9eb3-eeceadbad271"),
        ("a.b_c:d-1", None, "a.b_c:d-1"),
        ("c" * 128, None, "c" * 128),
    ],
    ids=["echo-then-header", "uuid", "punctuation", "longest"],
)
def test_a_plain_correlation_id_is_kept_and_an_echo_falls_back_to_the_header(
    body_id: str, header_id: str | None, expected: str
) -> None:
    headers = {"Klarna-Correlation-Id": header_id} if header_id else {}
    content = json.dumps({"error_code": "E", "correlation_id": body_id}).encode()
    err = status_error(_response(404, content, {**headers, **JSON}))
    assert err.correlation_id == expected


def test_a_success_echoing_a_credential_as_correlation_id_reads_as_none() -> None:
    with _client(_answer(201, headers={**CREATED, "Klarna-Correlation-Id": PASSWORD})) as client:
        raw = client.with_raw_response.refund_order("o-1", 500, idempotency_key="k-1")
    headers = {"Klarna-Correlation-Id": f"{USERNAME}:{PASSWORD}"}
    with (
        _client(_answer(200, b"<html>maintenance</html>", headers)) as client,
        pytest.raises(APIResponseValidationError) as info,
    ):
        client.get_refund("o-1", "r-1")
    assert (raw.correlation_id, info.value.correlation_id) == (None, None)


# --- reason phrase and content type in the message ---


def _reason_answer(status: int, reason: bytes, content_type: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            content=b"x",
            headers={"Content-Type": content_type},
            extensions={"reason_phrase": reason},
        )

    return handler


@pytest.mark.parametrize(
    ("password", "reason", "content_type", "detail"),
    [
        pytest.param(
            PASSWORD,
            f"Denied {PASSWORD}".encode(),
            f"text/{PASSWORD}",
            "Unauthorized (unknown content type, 1 bytes)",
            id="not-plain",
        ),
        pytest.param(
            "abcdefghijklmnop",
            b"Denied abcdefghijklmnop",
            "text/abcdefghijklmnop; charset=utf-8",
            "Denied *** (unknown content type, 1 bytes)",
            id="plain-but-the-password",
        ),
        pytest.param(
            PASSWORD,
            b"Go away <script>",
            'text/plain"<script>; charset=utf-8',
            "Unauthorized (unknown content type, 1 bytes)",
            id="markup",
        ),
        pytest.param(
            PASSWORD,
            b"Access Denied",
            "application/problem+json; charset=utf-8",
            "Access Denied (application/problem+json, 1 bytes)",
            id="plain",
        ),
        pytest.param(PASSWORD, b"", "", "Unauthorized (unknown content type, 1 bytes)", id="empty"),
    ],
)
def test_reason_phrase_and_content_type_never_show_a_credential(
    password: str, reason: bytes, content_type: str, detail: str
) -> None:
    err = _status_error(_reason_answer(401, reason, content_type), password=password)
    assert str(err) == f"401 - correlation_id=-: {detail} (idempotency_key=k-1)"
    assert password.encode() not in pickle.dumps(err)


# --- bodies in other encodings ---

SECRET_DOC = {
    "error_code": "BAD_VALUE",
    "password": PASSWORD,
    "detail": f"key {API_KEY}",
    "billing_address": {"email": "john.doe@example.com", "given_name": "John"},
}
SECRET_DOC_MASKED = (
    '{"error_code":"BAD_VALUE","password":"***","detail":"key klarna_test_***",'
    '"billing_address":{"email":"***","given_name":"***"}}'
)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        pytest.param(
            json.dumps(SECRET_DOC).encode("utf-16-le"), "application/json", id="utf-16-le"
        ),
        pytest.param(json.dumps(SECRET_DOC).encode("utf-16"), "application/json", id="utf-16-bom"),
        pytest.param(json.dumps(SECRET_DOC).encode("utf-32"), "application/json", id="utf-32-bom"),
        pytest.param(
            json.dumps(SECRET_DOC).encode(),
            "application/json; charset=utf-16-le",
            id="lying-utf-16",
        ),
        pytest.param(
            b"\xef\xbb\xbf" + json.dumps(SECRET_DOC).encode(), "application/json", id="utf-8-bom"
        ),
    ],
)
def test_a_json_body_in_any_json_encoding_is_masked(content: bytes, content_type: str) -> None:
    err = _status_error(_answer(400, content, {"Content-Type": content_type}))
    assert (err.error_code, err.body) == ("BAD_VALUE", SECRET_DOC_MASKED)


UNREADABLE_BODY = "[body not shown: it could not be read]"


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        pytest.param(
            f"you sent {PASSWORD}".encode("utf-16-le"),
            "text/plain",
            UNREADABLE_BODY,
            id="utf-16-text",
        ),
        pytest.param(
            f"you sent {PASSWORD}".encode("utf-16"),
            "text/plain; charset=utf-16",
            UNREADABLE_BODY,
            id="utf-16-text-declared",
        ),
        pytest.param(
            f"you sent {PASSWORD}".encode("utf-32-be"),
            "text/plain",
            UNREADABLE_BODY,
            id="utf-32-text",
        ),
        pytest.param(b"ok\x1b[2Jcleared", "text/plain", UNREADABLE_BODY, id="control-character"),
        pytest.param(
            f"you sent {PASSWORD}".encode(),
            "text/plain; charset=utf-16-le",
            "you sent ***",
            id="utf-8-under-utf-16",
        ),
        pytest.param(
            f"caf\xe9 password={PASSWORD}\tok\r\n".encode("latin-1"),
            "text/plain; charset=iso-8859-1",
            "caf\xe9 password=***\tok\r\n",
            id="latin-1",
        ),
        pytest.param(
            "\u20ac 5 for john.doe@example.com".encode("cp1252"),
            "text/plain; charset=windows-1252",
            "\u20ac 5 for ***",
            id="cp1252",
        ),
    ],
)
def test_a_text_body_is_read_only_in_a_codec_the_cleaning_can_see(
    content: bytes, content_type: str, expected: str
) -> None:
    err = _status_error(_answer(502, content, {"Content-Type": content_type}))
    assert err.body == expected


# --- encoded echoes ---

ODD_PASSWORD = 'ab/cd+ef gh"i\\j-long'


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(char):04x}" for char in text)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            f"pw was {quote_plus(ODD_PASSWORD, safe='')}!", "pw was ***!", id="quote-plus"
        ),
        pytest.param(
            f"pw was {quote(ODD_PASSWORD, safe='').lower()}!", "pw was ***!", id="lower-hex"
        ),
        pytest.param(
            f"pw was {quote_plus(ODD_PASSWORD, safe='').lower()}!", "pw was ***!", id="plus-lower"
        ),
        pytest.param(f"pw <b>{html.escape(ODD_PASSWORD)}</b>", "pw <b>***</b>", id="html-escaped"),
        pytest.param(
            f"pw {base64.b64encode(ODD_PASSWORD.encode()).decode()}.",
            "pw ***.",
            id="base64",
        ),
        pytest.param(
            f"pw {base64.urlsafe_b64encode(ODD_PASSWORD.encode()).decode().rstrip('=')}.",
            "pw ***.",
            id="base64-unpadded",
        ),
        pytest.param(
            '{"error_code":"X","error_messages":["'
            + json.dumps(ODD_PASSWORD)[1:-1].replace("/", "\\/")
            + ' is wrong"',
            '{"error_code":"X","error_messages":["*** is wrong"',
            id="escaped-slash-truncated-json",
        ),
        pytest.param(
            '{"error_code":"X","msg":"' + _escaped(ODD_PASSWORD.replace('"', "")) + '"',
            '{"error_code":"X","msg":"***"',
            id="u-escaped-truncated-json",
        ),
        pytest.param(
            "<p>\\u006a\\u006f\\u0068\\u006e@example.com \\ud83d\\ude00 \\u0000 \\\\/</p>",
            "<p>*** \U0001f600 \\u0000 \\\\/</p>",
            id="u-escaped-text",
        ),
    ],
)
def test_a_password_echoed_in_other_encodings_is_masked(content: str, expected: str) -> None:
    password = ODD_PASSWORD.replace('"', "") if "msg" in content else ODD_PASSWORD
    err = _status_error(
        _answer(400, content.encode(), {"Content-Type": "text/plain"}), password=password
    )
    assert err.body == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password = hunter22 and more", "password = *** and more"),
        ("Password : hunter22", "Password : ***"),
        ("{'password': 'a b c', 'ok': 1}", "{'password': '***', 'ok': 1}"),
        ('<input password="a b c" id=1>', '<input password="***" id=1>'),
        ("api_key='unterminated value", "api_key='***"),
        ('"client_secret" : "x y"', '"client_secret" : "***"'),
        ("email\t=\tjane@example.com;", "email\t=\t***;"),
        ("see https://x.test/session: ok", "see https://x.test/session: ***"),
        ("token://host stays", "token://host stays"),
    ],
)
def test_text_pairs_with_spaces_or_quotes_are_masked(text: str, expected: str) -> None:
    assert clean_text(text) == expected


# --- email addresses anywhere ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Customer john.doe@example.com is blocked", "Customer *** is blocked"),
        ("<email>Jane+Shop@mail.example.co.uk</email>", "<email>***</email>"),
        ("mailto:a_b-c%d@x-y.example,next", "mailto:***,next"),
        ("user@localhost and @handle and a@b", "user@localhost and @handle and a@b"),
        ("amount 100@2.5 stays", "amount 100@2.5 stays"),
    ],
)
def test_email_addresses_are_masked_in_any_text(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_an_email_in_klarnas_messages_headers_or_body_is_masked() -> None:
    content = json.dumps(
        {
            "error_code": "BAD_VALUE",
            "error_messages": ["Customer john.doe@example.com is blocked"],
            "customer_email": "john.doe@example.com",
        }
    )
    headers = {"X-Customer": "john.doe@example.com", **JSON}
    err = _status_error(_answer(400, content.encode(), headers))
    assert (str(err), err.error_messages, err.headers["x-customer"], err.body) == (
        "400 BAD_VALUE correlation_id=-: Customer *** is blocked (idempotency_key=k-1)",
        ["Customer *** is blocked"],
        "***",
        '{"error_code": "BAD_VALUE", "error_messages": ["Customer *** is blocked"], '
        '"customer_email": "***"}',
    )
    assert b"john.doe" not in pickle.dumps(err)


# --- Klarna's messages: bounded ---


def test_klarnas_messages_are_capped_in_number_and_length() -> None:
    messages = [f"{i:02d}" + "x" * 1500 for i in range(25)]
    content = json.dumps({"error_code": "E" * 1200, "error_messages": [7, *messages]})
    err = _status_error(_answer(400, content.encode(), JSON))
    kept = [message[:992] + "...[cut]" for message in messages[:20]]
    code = "E" * 992 + "...[cut]"
    assert (err.error_code, err.error_messages, str(err)) == (
        code,
        kept,
        f"400 {code} correlation_id=-: {'; '.join(kept)} (idempotency_key=k-1)",
    )


def test_messages_given_to_an_error_are_cleaned_and_capped_too() -> None:
    err = APIStatusError(
        response=None,
        status_code=400,
        error_code=None,
        error_messages=["mail jane@example.com"] + ["y" * 2000] * 30,
        correlation_id=None,
        idempotency_key=None,
    )
    kept = ["mail ***"] + ["y" * 992 + "...[cut]"] * 19
    assert (err.error_messages, str(err)) == (
        kept,
        f"400 - correlation_id=-: {'; '.join(kept)} (idempotency_key=-)",
    )


# --- no catastrophic backtracking ---

MEGABYTE = 1024 * 1024
ADVERSARIAL = {
    "emails-local": "a" * MEGABYTE,
    "emails-at": ("a" * 63 + "@") * (MEGABYTE // 64),
    "emails-domain": "a@" + "b" * MEGABYTE,
    "emails-dots": "a@" + "b." * (MEGABYTE // 2),
    "emails-many": "a@b.c " * (MEGABYTE // 6),
    "pairs-names": ("password" * 10 + "@") * (MEGABYTE // 81),
    "pairs-spaces": "password" + " " * MEGABYTE,
    "pairs-sep-spaces": ("password " * 5 + "= ") * (MEGABYTE // 47),
    "pairs-quotes": "password='" * (MEGABYTE // 10),
    "pairs-open-quote": 'password="' + "x" * MEGABYTE,
    "json-pairs": '"a":' * (MEGABYTE // 4),
    "json-keys": ('"' + "k" * 64 + '"' + " " * 30) * (MEGABYTE // 96),
    "auth": ("basic" + " " * 50 + "!") * (MEGABYTE // 56),
    "klarna-keys": "klarna_test_" * (MEGABYTE // 12),
}


@pytest.mark.timeout(60)  # a hang guard, not a speed target: bench/redaction.py measures
@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_a_megabyte_of_adversarial_text_is_cleaned_for_good(text: str) -> None:
    # Catastrophic backtracking would hang here; cleaned text has nothing left to clean.
    cleaned = clean_text(text, (PASSWORD,))
    assert clean_text(cleaned, (PASSWORD,)) == cleaned


def test_the_debug_log_never_shows_an_echoed_credential_as_correlation_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    content = json.dumps({"error_code": "BAD", "correlation_id": f"{USERNAME}:{PASSWORD}"})
    with caplog.at_level("DEBUG", logger="klarna_om"):
        _status_error(_answer(401, content.encode(), JSON))
    lines = [r.getMessage() for r in caplog.records if "attempt=" in r.getMessage()]
    assert len(lines) == 1
    assert (PASSWORD in caplog.text, lines[0].endswith(" correlation_id=-")) == (False, True)
