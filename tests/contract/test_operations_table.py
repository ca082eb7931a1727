"""One operations table: spec/, the sandbox's handlers and both clients serve the same set."""

from __future__ import annotations

import inspect

import pytest

from klarna_om import AsyncKlarnaOrderManagement, KlarnaOrderManagement
from klarna_om_sandbox import HANDLERS
from tests._support.spec_tools import load_spec, operations


def client_operations(cls: type) -> dict[str, str]:
    """operationId -> the public method that serves it (marked with ``@operation``)."""
    return {
        method.__klarna_operation__: name
        for name, method in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and hasattr(method, "__klarna_operation__")
    }


def missing_pieces(
    spec_ids: set[str], handlers: set[str], clients: dict[str, set[str]]
) -> list[str]:
    """What is missing where, in words; empty when every piece serves every operation."""
    pieces = {"sandbox handler": handlers, **clients}
    everything = spec_ids.union(*pieces.values())
    found = []
    for op_id in sorted(everything):
        if op_id not in spec_ids:
            found.append(f"{op_id} is served but not in spec/")
        found += [f"{op_id} has no {where}" for where, ids in pieces.items() if op_id not in ids]
    return found


def test_spec_sandbox_and_clients_serve_the_same_operations() -> None:
    clients = {
        f"{cls.__name__} method": set(client_operations(cls))
        for cls in (KlarnaOrderManagement, AsyncKlarnaOrderManagement)
    }
    assert missing_pieces(set(operations(load_spec())), set(HANDLERS), clients) == []


def test_the_twins_name_the_same_methods_for_each_operation() -> None:
    assert client_operations(KlarnaOrderManagement) == client_operations(AsyncKlarnaOrderManagement)


@pytest.mark.parametrize(
    ("handlers", "sync", "expected"),
    [
        (
            {"refundOrder"},
            {"refundOrder", "getOrder"},
            ["getOrder has no sandbox handler"],
        ),
        (
            {"refundOrder", "getOrder"},
            {"refundOrder"},
            ["getOrder has no KlarnaOrderManagement method"],
        ),
        (
            {"refundOrder", "getOrder", "deleteOrder"},
            {"refundOrder", "getOrder"},
            [
                "deleteOrder is served but not in spec/",
                "deleteOrder has no KlarnaOrderManagement method",
            ],
        ),
    ],
)
def test_a_missing_piece_is_named(handlers: set[str], sync: set[str], expected: list[str]) -> None:
    spec_ids = {"refundOrder", "getOrder"}
    clients = {"KlarnaOrderManagement method": sync}
    assert missing_pieces(spec_ids, handlers, clients) == expected


def test_the_sandbox_refuses_to_start_without_a_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    from klarna_om_sandbox import build_sandbox

    monkeypatch.delitem(HANDLERS, "getOrder")
    with pytest.raises(RuntimeError) as info:
        build_sandbox()
    assert str(info.value) == "spec/ operations without a sandbox handler: ['getOrder']"
