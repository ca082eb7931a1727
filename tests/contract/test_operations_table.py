"""One table of operations: every piece that serves an operation of spec/ serves every one.

``test_every_operation_has_every_piece`` is the test the "Adding an operation" walkthrough in
CONTRIBUTING.md runs: it fails naming the operation and the missing piece (spec/, the generated
record, a client method, a raw-response method, the sandbox handler, the CLI command).
"""

from __future__ import annotations

import inspect
import re

import pytest

from klarna_om import (
    AsyncKlarnaOrderManagement,
    AsyncKlarnaOrderManagementWithRawResponse,
    KlarnaOrderManagement,
    KlarnaOrderManagementWithRawResponse,
)
from klarna_om_generated.api import OPERATIONS
from klarna_om_sandbox import HANDLERS
from tests._support.calls import serving
from tests._support.spec_tools import load_spec, operations


def cli_operations(methods: dict[str, str]) -> set[str]:
    """The operations some ``klarna-om`` command serves: its callback calls their client method."""
    from klarna_om._cli import _batch_command, _commands, _fleet_commands  # noqa: F401 (commands)
    from klarna_om._cli._app import cli

    sources = [
        inspect.getsource(command.callback)
        for command in cli.commands.values()
        if command.callback is not None
    ]
    return {
        op_id
        for op_id, method in methods.items()
        if any(re.search(rf"\.{method}\(", source) for source in sources)
    }


def raw_operations(view: type, methods: dict[str, str]) -> set[str]:
    """The operations whose client method the raw-response view has too."""
    return {op_id for op_id, method in methods.items() if method in vars(view)}


def pieces() -> dict[str, set[str]]:
    """Each piece that serves operations -> the operationIds it serves."""
    sync, asynchronous = serving(KlarnaOrderManagement), serving(AsyncKlarnaOrderManagement)
    return {
        "generated record (klarna_om_generated.api.OPERATIONS; run make generate)": set(OPERATIONS),
        "KlarnaOrderManagement method (marked @operation; run make unasync)": set(sync),
        "AsyncKlarnaOrderManagement method (marked @operation)": set(asynchronous),
        "with_raw_response method (written from the client by make unasync)": raw_operations(
            AsyncKlarnaOrderManagementWithRawResponse, asynchronous
        )
        & raw_operations(KlarnaOrderManagementWithRawResponse, sync),
        "sandbox handler (@handles in klarna_om_sandbox/_handlers.py)": set(HANDLERS),
        "klarna-om command (klarna_om/_cli/_commands.py)": cli_operations(sync),
    }


def missing_pieces(spec_ids: set[str], served: dict[str, set[str]]) -> list[str]:
    """What is missing where, in words; empty when every piece serves every operation."""
    everything = spec_ids.union(*served.values())
    found = []
    for op_id in sorted(everything):
        if op_id not in spec_ids:
            found.append(f"{op_id} is served but not in spec/klarna-ordermanagement.yaml")
        found += [f"{op_id} has no {where}" for where, ids in served.items() if op_id not in ids]
    return found


def test_every_operation_has_every_piece() -> None:
    spec_ids = set(operations(load_spec()))
    assert len(spec_ids) >= 6  # the table is never checked against an empty spec
    assert missing_pieces(spec_ids, pieces()) == []


def test_the_twins_name_the_same_methods_for_each_operation() -> None:
    sync, asynchronous = serving(KlarnaOrderManagement), serving(AsyncKlarnaOrderManagement)
    assert set(sync) == set(operations(load_spec()))  # not two empty tables
    assert sync == asynchronous


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        (
            {"sandbox handler": {"refundOrder"}, "client method": {"refundOrder", "getOrder"}},
            ["getOrder has no sandbox handler"],
        ),
        (
            {"sandbox handler": {"refundOrder", "getOrder"}, "client method": {"refundOrder"}},
            ["getOrder has no client method"],
        ),
        (
            {"sandbox handler": {"refundOrder", "getOrder", "deleteOrder"}, "client method": set()},
            [
                "deleteOrder is served but not in spec/klarna-ordermanagement.yaml",
                "deleteOrder has no client method",
                "getOrder has no client method",
                "refundOrder has no client method",
            ],
        ),
    ],
)
def test_a_missing_piece_is_named(served: dict[str, set[str]], expected: list[str]) -> None:
    assert missing_pieces({"refundOrder", "getOrder"}, served) == expected


def test_each_piece_is_found_when_present_and_missed_when_not() -> None:
    served = pieces()
    spec_ids = set(operations(load_spec()))
    assert all(ids == spec_ids for ids in served.values()), served
    absent = {"noSuchOperation": "no_such_operation"}
    assert cli_operations(absent) == set()
    assert raw_operations(KlarnaOrderManagementWithRawResponse, absent) == set()


def test_the_sandbox_refuses_to_start_without_a_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    from klarna_om_sandbox import build_sandbox

    monkeypatch.delitem(HANDLERS, "getOrder")
    with pytest.raises(RuntimeError) as info:
        build_sandbox()
    assert str(info.value) == "spec/ operations without a sandbox handler: ['getOrder']"
