"""The traffic checker itself can fail: invalid requests and responses are caught."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests._support.openapi_check import SpecChecker, SpecViolation

BASE = "https://om.test/ordermanagement/v1/orders/o-1"


def _req(method: str, url: str, **kwargs: Any) -> httpx.Request:
    headers = {"Authorization": "Basic dTpw", **kwargs.pop("headers", {})}
    return httpx.Request(method, url, headers=headers, **kwargs)


@pytest.fixture(scope="module")
def checker() -> SpecChecker:
    return SpecChecker.create()  # not the session's: these violations are planted


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        (
            _req("POST", f"{BASE}/refunds", json={"refunded_amount": -1}),
            "InvalidRequestBody",
        ),
        (_req("POST", f"{BASE}/refunds", json={"reference": "x"}), "InvalidRequestBody"),
        (
            _req("PATCH", f"{BASE}/captures/c-1/extend-due-date", json={"number_of_days": "2"}),
            "InvalidRequestBody",
        ),
        (_req("POST", f"{BASE}/refunds"), "MissingRequiredRequestBody"),
        (_req("DELETE", f"{BASE}/refunds"), "OperationNotFound"),
        (httpx.Request("GET", f"{BASE}/refunds/r-1"), "SecurityValidationError"),
    ],
)
def test_invalid_requests_are_caught(
    checker: SpecChecker, request_: httpx.Request, error: str
) -> None:
    with pytest.raises(SpecViolation, match=error):
        checker.check_request(request_)


def test_a_valid_request_passes(checker: SpecChecker) -> None:
    before = checker.requests
    checker.check_request(
        _req(
            "POST",
            f"{BASE}/refunds",
            json={"refunded_amount": 1},
            headers={"Klarna-Idempotency-Key": "k"},
        )
    )
    assert checker.requests == before + 1


@pytest.mark.parametrize(
    ("request_", "response"),
    [
        (
            _req("POST", f"{BASE}/refunds", json={"refunded_amount": 1}),
            httpx.Response(201, headers={"Location": f"{BASE}/refunds/r-1"}),
        ),  # no Refund-Id
        (
            _req("GET", f"{BASE}/refunds/r-1"),
            httpx.Response(200, json={"refunded_amount": "12"}),
        ),
        (_req("GET", f"{BASE}/refunds/r-1"), httpx.Response(418, json={})),
        (
            _req("GET", f"{BASE}/refunds/r-1"),
            httpx.Response(404, json={"error_code": 404, "error_messages": []}),
        ),
    ],
)
def test_invalid_responses_are_caught(
    checker: SpecChecker, request_: httpx.Request, response: httpx.Response
) -> None:
    with pytest.raises(SpecViolation):
        checker.check_response(request_, response)


def test_responses_outside_the_spec_and_faults_are_counted_not_checked(
    checker: SpecChecker,
) -> None:
    before = (checker.outside_spec, checker.injected_faults)
    checker.check_response(
        _req("GET", "https://om.test/sandbox/faults"),
        httpx.Response(200, json={}),
    )
    checker.check_response(
        _req("GET", f"{BASE}/refunds/r-1"),
        httpx.Response(502, text="<html>", headers={"Klarna-Om-Sandbox-Fault": "html_502"}),
    )
    assert (checker.outside_spec, checker.injected_faults) == (before[0] + 1, before[1] + 1)
