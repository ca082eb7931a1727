"""Klarna's request limits: a request over one is refused before sending, naming the limit.

Every refusal is asserted whole (class, message, fields); no message may carry a header's value
or the body.
"""

from __future__ import annotations

import copy
import pickle

import httpx
import pytest

from klarna_om._errors import InvalidInputError, InvalidRequestError, KlarnaError
from klarna_om._request_limits import (
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    MAX_HEADERS_BYTES,
    RequestTooLargeError,
    check_request_limits,
)

URL = "https://api.klarna.com/ordermanagement/v1/orders/o-1/refunds"
CLIENT_HEADERS = {
    "User-Agent": "klarna-om/1.0 Python/3.11 httpx/0.28.1",
    "Accept-Encoding": "identity",
    "Authorization": "Basic " + "c2FuZGJveDpzYW5kYm94" * 3,
    "Klarna-Idempotency-Key": "0b6bd5c8-3c1e-4cb6-9a5e-2d0f5c4b7a11",
}


def request(headers: dict[str, str] | None = None, body: bytes = b"{}") -> httpx.Request:
    return httpx.Request("POST", URL, headers={**CLIENT_HEADERS, **(headers or {})}, content=body)


def check(r: httpx.Request) -> None:
    check_request_limits(r.method, r.url, r.headers, r.content)


def refusal(r: httpx.Request) -> tuple[str, str, str, int, int, str | None]:
    with pytest.raises(RequestTooLargeError) as caught:
        check(r)
    e = caught.value
    return type(e).__name__, str(e), e.limit_name, e.size, e.limit, e.field


def headers_size(r: httpx.Request) -> int:
    return sum(len(name) + len(value) for name, value in r.headers.raw)


def test_limits_are_the_larger_reading_of_klarnas_kb_and_mb() -> None:
    assert (MAX_HEADER_BYTES, MAX_HEADERS_BYTES, MAX_BODY_BYTES) == (6144, 20480, 1048576)


def test_a_normal_request_passes() -> None:
    check(request())
    check_request_limits("GET", URL, request().headers, None)


def test_exactly_at_each_limit_passes() -> None:
    check(request({"X-Trace": "a" * (MAX_HEADER_BYTES - len("X-Trace"))}))
    check(request(body=b"x" * MAX_BODY_BYTES))
    base = request()
    fill = MAX_HEADERS_BYTES - headers_size(base)
    chunks = [fill // 4] * 3 + [fill - 3 * (fill // 4)]
    padded = request({f"X-P{i}": "a" * (n - 4) for i, n in enumerate(chunks)})
    assert headers_size(padded) == MAX_HEADERS_BYTES
    check(padded)


def test_one_header_over_6_kb() -> None:
    r = request({"X-Trace": "secret-trace-" + "a" * MAX_HEADER_BYTES})
    assert refusal(r) == (
        "RequestTooLargeError",
        "POST /ordermanagement/v1/orders/o-1/refunds: the header X-Trace is 6,164 bytes; "
        "Klarna accepts 6 KB per header, name and value (6,144 bytes); nothing was sent",
        "header",
        6164,
        6144,
        "headers[X-Trace]",
    )


def test_one_byte_over_the_header_limit() -> None:
    r = request({"X-Trace": "a" * (MAX_HEADER_BYTES - len("X-Trace") + 1)})
    assert refusal(r)[2:5] == ("header", 6145, 6144)


def test_a_long_header_name_is_cut_in_the_message() -> None:
    name = "X-" + "N" * 7000
    _, message, _, size, _, field = refusal(request({name: "v"}))
    shown = "X-" + "N" * 59 + "..."
    assert (message.split(" is ")[0], size, field) == (
        f"POST /ordermanagement/v1/orders/o-1/refunds: the header {shown}",
        7003,
        f"headers[{shown}]",
    )


def test_all_headers_over_20_kb() -> None:
    r = request({f"X-Agent-{i}": "secret-" + "b" * 4000 for i in range(6)})
    size = headers_size(r)
    assert refusal(r) == (
        "RequestTooLargeError",
        f"POST /ordermanagement/v1/orders/o-1/refunds: all headers are {size:,} bytes; "
        "Klarna accepts 20 KB for all headers (20,480 bytes); nothing was sent",
        "headers",
        size,
        20480,
        "headers",
    )


def test_the_body_over_1_mb() -> None:
    r = request(body=b'{"description": "secret' + b"c" * MAX_BODY_BYTES + b'"}')
    assert refusal(r) == (
        "RequestTooLargeError",
        "POST /ordermanagement/v1/orders/o-1/refunds: the body is 1,048,601 bytes; "
        "Klarna accepts 1 MB for the body (1,048,576 bytes); nothing was sent",
        "body",
        1048601,
        1048576,
        "body",
    )


def test_a_url_as_text_names_only_its_path() -> None:
    with pytest.raises(RequestTooLargeError) as caught:
        check_request_limits(
            "PATCH",
            "https://user:pw@api.klarna.com/ordermanagement/v1/orders/o-2?x=secret",
            request().headers,
            b"x" * (MAX_BODY_BYTES + 1),
        )
    assert str(caught.value).startswith("PATCH /ordermanagement/v1/orders/o-2: the body is ")
    assert "secret" not in str(caught.value) and "pw" not in str(caught.value)


def test_headers_are_counted_in_bytes_as_sent() -> None:
    # Host and Content-Length count: Klarna sees them. A value given as bytes stays bytes.
    raw = [(name.encode(), value.encode()) for name, value in CLIENT_HEADERS.items()]
    r = httpx.Request("POST", URL, headers=[*raw, (b"X-Name", "é".encode() * 3100)])
    assert refusal(r)[2:4] == ("header", 6 + 6200)  # 3,106 characters


def test_the_error_is_an_invalid_input_and_survives_pickling() -> None:
    r = request(body=b"x" * (MAX_BODY_BYTES + 1))
    with pytest.raises(RequestTooLargeError) as caught:
        check(r)
    e = caught.value
    assert isinstance(e, InvalidInputError | InvalidRequestError | KlarnaError | ValueError)
    for other in (pickle.loads(pickle.dumps(e)), copy.deepcopy(e)):
        assert (type(other), str(other), other.limit_name, other.size, other.limit) == (
            RequestTooLargeError,
            str(e),
            "body",
            MAX_BODY_BYTES + 1,
            MAX_BODY_BYTES,
        )
        assert other.field == "body"
