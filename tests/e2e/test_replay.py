"""Record and replay with pytest-recording and ``klarna_om_sandbox.vcr_config()``.

``tests/cassettes/test_refund_flow.yaml`` is the shipped example: recorded against the
in-process sandbox (``pytest tests/e2e/test_replay.py --record-mode=rewrite`` records it again)
and replayed here without it answering. Loading a cassette validates every interaction against
the spec: a response that breaks it fails, naming the JSON path.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path
from typing import Any

import pytest
import vcr  # type: ignore[import-untyped]
import yaml

from klarna_om import KlarnaOrderManagement
from klarna_om_sandbox import (
    CassetteMismatchError,
    InProcessSandbox,
    check_cassette,
    check_interaction,
)
from klarna_om_sandbox import vcr_config as klarna_vcr_config
from klarna_om_sandbox._replay import interaction_violations
from tests._support.data import TOMATOES

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "tests" / "cassettes"
EXAMPLE = CASSETTES / "test_refund_flow.yaml"
ORDER_ID = "f3392f8b-6116-4073-ab96-e330819e2c07"
BASE = "/ordermanagement/v1/orders"


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return klarna_vcr_config()


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


def _refund_flow(sandbox: InProcessSandbox) -> tuple[str, int | None, int | None]:
    """Refund 5 kg of tomatoes, read the refund, read the order."""
    sandbox.create_order(
        3000,
        order_lines=[TOMATOES],
        captures=[{"captured_amount": 3000, "order_lines": [TOMATOES]}],
        order_id=ORDER_ID,
    )
    with KlarnaOrderManagement(**sandbox.client_options()) as klarna:
        created = klarna.refund_order(
            ORDER_ID, 3000, order_lines=[TOMATOES], reference="refund-2026-0001"
        )
        refund = klarna.get_refund(ORDER_ID, created.refund_id)
        order = klarna.get_order(ORDER_ID)
    return str(refund.reference), refund.refunded_amount, order.refunded_amount


@pytest.mark.vcr
def test_refund_flow(klarna_sandbox_inprocess: InProcessSandbox, vcr: Any) -> None:
    """Replays the example cassette: the sandbox answers nothing, the cassette everything."""
    replaying = vcr.record_mode == "none"
    if replaying:  # a request that reached the sandbox would fail
        klarna_sandbox_inprocess.add_fault("*", "status", status=500, count=100)
    assert _refund_flow(klarna_sandbox_inprocess) == ("refund-2026-0001", 3000, 3000)
    if replaying:
        assert (vcr.play_count, len(vcr)) == (3, 3)
        assert klarna_sandbox_inprocess.get_order(ORDER_ID)["refunded_amount"] == 0


def test_the_example_cassette_holds_no_credentials_and_matches_the_spec() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    sandbox_basic = base64.b64encode(b"sandbox:sandbox").decode()
    assert sandbox_basic not in text
    interactions = yaml.safe_load(text)["interactions"]
    assert [i["request"]["headers"]["Authorization"] for i in interactions] == [
        ["Basic UkVEQUNURUQ6UkVEQUNURUQ="]
    ] * 3
    assert [(i["request"]["method"], i["response"]["status"]["code"]) for i in interactions] == [
        ("POST", 201),
        ("GET", 200),
        ("GET", 200),
    ]
    assert check_cassette(EXAMPLE) == 3


def test_recording_replaces_credentials_and_cookies(tmp_path: Path) -> None:
    recorder = vcr.VCR(**klarna_vcr_config(), record_mode="once")
    path = tmp_path / "recorded.yaml"
    sandbox = InProcessSandbox(username="K123456_abcd12345", password="s3cr3t-Pa55")
    with sandbox, recorder.use_cassette(str(path)):
        _refund_flow(sandbox)
    text = path.read_text(encoding="utf-8")
    secret = base64.b64encode(b"K123456_abcd12345:s3cr3t-Pa55").decode()
    assert (secret in text, "s3cr3t" in text, "K123456" in text) == (False, False, False)
    assert text.count("Basic UkVEQUNURUQ6UkVEQUNURUQ=") == 3
    assert check_cassette(path) == 3


def _broken_copy(tmp_path: Path) -> Path:
    """The example with the refund's amount turned into a string and its Refund-Id dropped."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    post, get_refund, _ = data["interactions"]
    body = get_refund["response"]["body"]["string"]
    get_refund["response"]["body"]["string"] = body.replace(
        '"refunded_amount":3000', '"refunded_amount":"3000"'
    )
    assert get_refund["response"]["body"]["string"] != body
    del post["response"]["headers"]["refund-id"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    return broken


def test_a_cassette_that_breaks_the_spec_fails_on_load_with_the_json_path(tmp_path: Path) -> None:
    broken = _broken_copy(tmp_path)
    replayer = vcr.VCR(**klarna_vcr_config())
    with pytest.raises(CassetteMismatchError) as raised, replayer.use_cassette(str(broken)):
        pass
    assert str(raised.value) == (
        f"recorded POST /ordermanagement/v1/orders/{ORDER_ID}/refunds (201) does not match the "
        "Klarna Order Management spec:\n"
        "  response header Refund-Id: required, missing"
    )
    with pytest.raises(CassetteMismatchError) as every:
        check_cassette(broken)
    assert every.value.violations == [
        f"interaction 1 (POST /ordermanagement/v1/orders/{ORDER_ID}/refunds): response header "
        "Refund-Id: required, missing",
        f"interaction 2 (GET /ordermanagement/v1/orders/{ORDER_ID}/refunds/"
        f"{_refund_id()}): response $.refunded_amount: '3000' is not of type 'integer'",
    ]


def _refund_id() -> str:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return str(data["interactions"][0]["response"]["headers"]["refund-id"][0])


def test_a_recorded_request_the_spec_refuses_fails_too() -> None:
    request = {
        "method": "POST",
        "uri": f"https://api.playground.klarna.com/ordermanagement/v1/orders/{ORDER_ID}/refunds",
        "body": '{"refunded_amount": 0, "order_lines": [{"name": "Tomatoes", "quantity": 1}]}',
        "headers": {
            "Authorization": ["Basic UkVEQUNURUQ6UkVEQUNURUQ="],
            "Content-Type": ["application/json"],
        },
    }
    response = {"status": {"code": 201, "message": "Created"}, "headers": {}, "body": {}}
    with pytest.raises(CassetteMismatchError) as raised:
        check_interaction(request, response)
    assert raised.value.violations == [
        "request $.refunded_amount: 0 is less than the minimum of 1",
        "request $.order_lines[0]: 'unit_price' is a required property",
        "request $.order_lines[0]: 'total_amount' is a required property",
        "response header Location: required, missing",
        "response header Refund-Id: required, missing",
    ]


def test_paths_outside_klarnas_api_are_left_alone() -> None:
    request: dict[str, Any] = {
        "method": "POST",
        "uri": "http://localhost/sandbox/reset",
        "body": None,
        "headers": {},
    }
    response = {"status": {"code": 204, "message": ""}, "headers": {}, "body": {"string": ""}}
    assert check_interaction(request, response) == (request, response)


def test_check_cassette_reads_an_empty_cassette(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    shutil.copy(EXAMPLE, empty)
    empty.write_text("interactions: []\nversion: 1\n", encoding="utf-8")
    assert check_cassette(empty) == 0


@pytest.mark.parametrize(
    ("location", "violations"),
    [
        (f"https://api.playground.klarna.com{BASE}/{ORDER_ID}/refunds/r1", []),
        ("not a uri", ["response header Location: $: 'not a uri' is not a 'uri'"]),
        ("/relative/path", ["response header Location: $: '/relative/path' is not a 'uri'"]),
    ],
)
def test_the_uri_format_is_checked_without_optional_packages(
    location: str, violations: list[str]
) -> None:
    """A user's venv has no rfc3986-validator: ``uri`` is checked by klarna_om_sandbox itself."""
    request = {
        "method": "POST",
        "uri": f"https://api.playground.klarna.com{BASE}/{ORDER_ID}/refunds",
        "body": '{"refunded_amount": 100}',
        "headers": {
            "Authorization": ["Basic UkVEQUNURUQ6UkVEQUNURUQ="],
            "Content-Type": ["application/json"],
        },
    }
    response = {
        "status": {"code": 201, "message": "Created"},
        "headers": {"Location": [location], "Refund-Id": ["r1"]},
        "body": {"string": ""},
    }
    assert interaction_violations(request, response) == violations
