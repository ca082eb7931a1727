"""The sandbox's fast request check: it passes only what openapi-core would pass."""

from __future__ import annotations

import json
from typing import Any

import pytest

from klarna_om_sandbox._fastcheck import fast_operations, passes
from tests._support.data import TSHIRT


def test_every_operation_of_the_spec_has_a_fast_path() -> None:
    operations = fast_operations()
    assert {name: op.media_type for name, op in operations.items()} == {
        "getOrder": None,
        "refundOrder": "application/json",
        "getRefund": None,
        "releaseRemainingAuthorization": None,
        "getOptionsForExtendDueDate": None,
        "extendDueDate": "application/json",
    }
    assert operations["refundOrder"].body_required and operations["extendDueDate"].body_required


def _body(data: Any) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("operation", "content_type", "data", "verdict"),
    [
        ("refundOrder", "application/json", {"refunded_amount": 100}, True),
        ("refundOrder", "application/json; charset=utf-8", {"refunded_amount": 100}, False),
        ("refundOrder", "application/json;foo", {"refunded_amount": 100}, False),
        ("refundOrder", "Application/JSON", {"refunded_amount": 100}, True),
        (
            "refundOrder",
            "application/json",
            {"refunded_amount": 100, "order_lines": [TSHIRT]},
            True,
        ),
        ("refundOrder", "application/json", {"refunded_amount": 0}, False),  # minimum 1
        ("refundOrder", "application/json", {"refunded_amount": 2**63}, False),  # int64
        ("refundOrder", "application/json", {"refunded_amount": "100"}, False),
        ("refundOrder", "application/json", {}, False),  # required
        ("refundOrder", "text/plain", {"refunded_amount": 100}, False),
        ("refundOrder", "application/json", None, False),  # no body
        ("extendDueDate", "application/json", {"number_of_days": 10}, True),
        ("getOrder", None, None, True),
        ("getOrder", "application/json", {"unexpected": 1}, False),  # a body nobody declared
        ("unknownOperation", None, None, False),
    ],
)
def test_the_verdicts(operation: str, content_type: str | None, data: Any, verdict: bool) -> None:
    body = b"" if data is None else _body(data)
    assert passes(operation, content_type, body, data) is verdict
