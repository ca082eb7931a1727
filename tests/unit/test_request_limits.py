"""Klarna's request limits: a request over one is refused before sending, naming the limit.

Every refusal is asserted whole (class, message, fields); no message may carry a header's value
or the body. The second half runs the clients (sync and async): the check is wired into the
framing of each call, once per call, and nothing is sent.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import httpx
import pytest

import klarna_om._wire
from klarna_om import (
    InvalidInputError,
    KlarnaError,
    RequestTooLargeError,
)
from klarna_om._request_limits import (
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    MAX_HEADERS_BYTES,
    check_request_limits,
)
from tests._support.harness import Harness, Recorder, created, error_response

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
    assert isinstance(e, InvalidInputError | KlarnaError | ValueError)
    for other in (pickle.loads(pickle.dumps(e)), copy.deepcopy(e)):
        assert (type(other), str(other), other.limit_name, other.size, other.limit) == (
            RequestTooLargeError,
            str(e),
            "body",
            MAX_BODY_BYTES + 1,
            MAX_BODY_BYTES,
        )
        assert other.field == "body"


# --- through the clients ------------------------------------------------------------------------


def big_line(i: int) -> dict[str, object]:
    """An order line within every bound of spec/, about 3.6 KB as JSON."""
    return {
        "name": f"{i:04d}" + "n" * 251,
        "reference": f"{i:04d}" + "r" * 251,
        "merchant_data": "m" * 1024,
        "product_url": "https://shop.test/" + "p" * 1000,
        "image_url": "https://shop.test/" + "i" * 1000,
        "quantity": 1,
        "unit_price": 1,
        "total_amount": 1,
    }


def test_the_error_is_public_and_in_the_error_tree() -> None:
    import klarna_om

    assert RequestTooLargeError.__module__ == "klarna_om"
    assert "RequestTooLargeError" in klarna_om.__all__
    assert RequestTooLargeError.__mro__[1] is InvalidInputError


def test_a_huge_description_is_refused_by_its_bound_first(harness: Harness) -> None:
    rec = Recorder(created())
    with pytest.raises(InvalidInputError) as info:
        harness.client(rec).refund_order("o-1", 100, description="d" * (2 * MAX_BODY_BYTES))
    assert (type(info.value), info.value.field, str(info.value)) == (
        InvalidInputError,
        "description",
        "description is 2097152 characters long, at most 255 are allowed",
    )
    assert rec.requests == []


def test_a_header_of_7_kb_is_refused_before_sending(harness: Harness) -> None:
    rec = Recorder(created())
    client = harness.client(rec).with_options(headers={"X-Trace": "secret-" + "t" * 7 * 1024})
    calls: list[Callable[[], object]] = [
        lambda: client.refund_order("o-1", 100),
        lambda: client.get_order("o-1"),
    ]
    for call in calls:
        with pytest.raises(RequestTooLargeError) as info:
            call()
        e = info.value
        assert (e.limit_name, e.size, e.limit, e.field) == (
            "header",
            len("X-Trace") + len("secret-") + 7 * 1024,
            MAX_HEADER_BYTES,
            "headers[X-Trace]",
        )
        assert "secret" not in str(e) and str(e).endswith("nothing was sent")
    assert rec.requests == []


def test_a_body_over_1_mb_of_order_lines_is_refused_before_sending(harness: Harness) -> None:
    rec = Recorder(created())
    lines = [big_line(i) for i in range(400)]
    with pytest.raises(RequestTooLargeError) as info:
        harness.client(rec).refund_order("o-1", 400, order_lines=lines, idempotency_key="k-1")
    e = info.value
    assert (e.limit_name, e.limit, e.field) == ("body", MAX_BODY_BYTES, "body")
    assert e.size > MAX_BODY_BYTES
    assert str(e) == (
        f"POST /ordermanagement/v1/orders/o-1/refunds: the body is {e.size:,} bytes; Klarna "
        "accepts 1 MB for the body (1,048,576 bytes); nothing was sent"
    )
    assert rec.requests == []
    # Under the limit, the same kind of lines are sent.
    harness.client(rec).refund_order("o-1", 200, order_lines=lines[:200])
    assert len(rec.requests) == 1


def test_the_limits_are_checked_once_per_call_not_per_attempt(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []

    def counting(method: str, url: object, headers: httpx.Headers, body: bytes | None) -> None:
        checked.append(method)
        check_request_limits(method, str(url), headers, body)

    monkeypatch.setattr(klarna_om._wire, "check_request_limits", counting)
    rec = Recorder(error_response(503, "X"), error_response(503, "X"), created())
    harness.client(rec).refund_order("o-1", 100)
    assert (len(rec.requests), checked) == (3, ["POST"])
