"""Providers: Klarna or Kustom decides the hosts and which operations exist.

Hosts come from spec/'s ``servers`` (the generated ``SERVERS``); the table below writes them out
once more on purpose, so that a wrong generated host fails here. An operation the provider does
not serve (``OPERATIONS[...].providers``) raises ``UnsupportedOperationError`` before sending.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any, get_args

import pytest

import klarna_om
from klarna_om import (
    AsyncKlarnaOrderManagement,
    InvalidInputError,
    KlarnaOrderManagement,
    UnsupportedOperationError,
)
from klarna_om._options import REGIONS, Provider, Region
from klarna_om_generated.api import OPERATIONS, PROVIDERS, SERVERS
from tests._support.harness import Harness, Recorder, created

CLASSES = [KlarnaOrderManagement, AsyncKlarnaOrderManagement]
ENV = ("KLARNA_PROVIDER", "KLARNA_REGION", "KLARNA_PLAYGROUND", "KLARNA_BASE_URL")

HOSTS: list[tuple[str | None, str | None, bool | None, str]] = [
    (None, None, None, "https://api.klarna.com"),
    ("klarna", "eu", False, "https://api.klarna.com"),
    ("klarna", "eu", True, "https://api.playground.klarna.com"),
    ("klarna", "na", False, "https://api-na.klarna.com"),
    ("klarna", "na", True, "https://api-na.playground.klarna.com"),
    ("klarna", "oc", False, "https://api-oc.klarna.com"),
    ("klarna", "oc", True, "https://api-oc.playground.klarna.com"),
    ("kustom", None, None, "https://api.kustom.co"),
    ("kustom", "eu", False, "https://api.kustom.co"),
    ("kustom", None, True, "https://api.playground.kustom.co"),
    ("kustom", "eu", True, "https://api.playground.kustom.co"),
]


@pytest.fixture(autouse=True)
def _no_endpoint_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize(("provider", "region", "playground", "url"), HOSTS)
def test_the_host_of_each_provider_region_and_environment(
    cls: type[KlarnaOrderManagement],
    provider: Any,
    region: Any,
    playground: bool | None,
    url: str,
) -> None:
    client = cls("u", "p", provider=provider, region=region, playground=playground)
    assert (client.provider, client.base_url) == (provider or "klarna", url)


def test_every_generated_server_is_reachable_and_the_literals_match_spec() -> None:
    assert {url for *_, url in HOSTS} == {s.url for s in SERVERS}
    assert get_args(Provider) == PROVIDERS
    assert get_args(Region) == REGIONS


@pytest.mark.parametrize("cls", CLASSES)
def test_the_provider_comes_from_the_environment_and_the_argument_wins(
    cls: type[KlarnaOrderManagement], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLARNA_PROVIDER", " Kustom ")
    monkeypatch.setenv("KLARNA_PLAYGROUND", "1")
    assert (cls("u", "p").provider, cls("u", "p").base_url) == (
        "kustom",
        "https://api.playground.kustom.co",
    )
    assert cls("u", "p", provider="klarna").base_url == "https://api.playground.klarna.com"


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize(
    ("kwargs", "env", "field", "message"),
    [
        ({"provider": "klarna-us-secret"}, {}, "provider", "provider must be one of "),
        ({"provider": "Kustom"}, {}, "provider", "provider must be one of "),
        ({"provider": 1}, {}, "provider", "provider must be one of "),
        ({}, {"KLARNA_PROVIDER": "mars-secret"}, "provider", "KLARNA_PROVIDER must be one of "),
    ],
)
def test_an_unknown_provider_is_named_without_its_value(
    cls: type[KlarnaOrderManagement],
    kwargs: dict[str, Any],
    env: dict[str, str],
    field: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(InvalidInputError) as info:
        cls("u", "p", **kwargs)
    assert (info.value.field, str(info.value)) == (field, message + "['klarna', 'kustom']")
    assert "secret" not in str(info.value) and "Kustom" not in str(info.value)


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("region", ["na", "oc"])
@pytest.mark.parametrize("base_url", [None, "https://om.test"])
def test_kustom_has_one_region(
    cls: type[KlarnaOrderManagement],
    region: Any,
    base_url: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = (
        f"kustom has one region: region {region} is not served (leave region and "
        "KLARNA_REGION unset, or use eu)"
    )
    with pytest.raises(InvalidInputError) as info:
        cls("u", "p", provider="kustom", region=region, base_url=base_url)
    assert (info.value.field, str(info.value)) == ("region", message)
    monkeypatch.setenv("KLARNA_REGION", region)
    with pytest.raises(InvalidInputError) as from_env:
        cls("u", "p", provider="kustom", base_url=base_url)
    assert (from_env.value.field, str(from_env.value)) == ("region", message)


def test_base_url_wins_over_the_providers_host() -> None:
    client = KlarnaOrderManagement("u", "p", provider="kustom", base_url="http://127.0.0.1:8089")
    assert (client.provider, client.base_url) == ("kustom", "http://127.0.0.1:8089")


#: What Kustom does not serve, read from the generated records (not a hand list).
NOT_ON_KUSTOM = sorted(op for op, record in OPERATIONS.items() if "kustom" not in record.providers)
EXTEND_CALLS: list[tuple[str, str, tuple[Any, ...]]] = [
    ("extendDueDate", "extend_due_date", ("o-1", "c-1", 14)),
    ("getOptionsForExtendDueDate", "get_extend_due_date_options", ("o-1", "c-1")),
]


def test_kustom_lacks_exactly_the_extend_due_date_operations() -> None:
    assert sorted(op for op, *_ in EXTEND_CALLS) == NOT_ON_KUSTOM


@pytest.mark.parametrize(("operation", "method", "args"), EXTEND_CALLS)
def test_on_kustom_extend_due_date_raises_before_sending(
    harness: Harness, operation: str, method: str, args: tuple[Any, ...]
) -> None:
    rec = Recorder(created())
    client = harness.client(rec, provider="kustom")
    child = client.with_options(headers={"X-Team": "refunds"}, max_retries=0)
    assert child.provider == "kustom"
    for call in (
        getattr(client, method),
        getattr(client.with_raw_response, method),
        getattr(child, method),
    ):
        with pytest.raises(UnsupportedOperationError) as info:
            call(*args)
        error = info.value
        assert (str(error), error.field, error.provider, error.operation) == (
            f"kustom does not offer {operation} (served by klarna); nothing was sent",
            "provider",
            "kustom",
            operation,
        )
    assert rec.requests == []
    # What Kustom serves is sent, to the base URL given.
    assert child.refund_order("o-1", 100).refund_id == "r-1"
    assert [str(r.url) for r in rec.requests] == [
        "https://om.test/ordermanagement/v1/orders/o-1/refunds"
    ]


def test_on_klarna_extend_due_date_is_sent(harness: Harness) -> None:
    import httpx

    rec = Recorder(httpx.Response(204))
    harness.client(rec).extend_due_date("o-1", "c-1", 14)
    assert len(rec.requests) == 1


def test_the_error_is_a_public_invalid_input_that_pickles() -> None:
    assert issubclass(UnsupportedOperationError, InvalidInputError)
    assert UnsupportedOperationError.__module__ == "klarna_om"
    assert UnsupportedOperationError.__doc__
    assert "UnsupportedOperationError" in klarna_om.__all__
    error = UnsupportedOperationError("m", provider="kustom", operation="extendDueDate")
    for again in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert (type(again), str(again), again.provider, again.operation, again.field) == (
            UnsupportedOperationError,
            "m",
            "kustom",
            "extendDueDate",
            "provider",
        )
