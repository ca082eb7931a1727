"""`make upstream-diff`: our operations against Klarna's definitions, explained by the ledger.

Against the vendored copies nothing is unexplained and every name in the ledger explains
something. A change planted in a copy of Klarna's definition (a new field, a changed maximum, a
removed or renamed enum value, return_fee dropped from the order line types, a new required
parameter) is reported, each as one line naming the operation, the field, the aspect and both
values, followed by the ledger entry that would explain it, as YAML that pastes into the ledger.
Our additions are judged against the newest copy only.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import upstream_diff  # noqa: E402

UPSTREAM = ROOT / "spec" / "upstream"
UPSTREAM_2024 = UPSTREAM / "klarna-om-openapi-2024-01.json"
UPSTREAM_2026 = UPSTREAM / "klarna-om-openapi-2026.yml"
HINT = (
    "upstream-diff: change spec/ to say what Klarna says, or add to the ledger (under "
    "`deviations:`), each with its reason in `why`:"
)
TODO = "TODO: why spec/ deliberately says this (a sentence or more)"
ORDER_LINE_TYPES = [
    "physical",
    "discount",
    "shipping_fee",
    "sales_tax",
    "store_credit",
    "gift_card",
    "digital",
    "surcharge",
    "return_fee",
]
Plant = Callable[[dict[str, Any]], None]


def _run(
    capsys: pytest.CaptureFixture[str], files: list[Path], ledger: Path = upstream_diff.LEDGER
) -> tuple[int, list[str]]:
    status = upstream_diff.main([str(f) for f in files], ledger_path=ledger)
    return status, capsys.readouterr().out.splitlines()


def _planted(tmp_path: Path, source: Path, plant: Plant) -> Path:
    """A copy of ``source`` with ``plant`` applied, under the same name (so the same date)."""
    doc = copy.deepcopy(upstream_diff.load(source))
    plant(doc)
    planted = tmp_path / source.with_suffix(".yml").name
    planted.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return planted


def _reported(lines: list[str]) -> list[str]:
    """The difference lines, between the summary line and the hint."""
    end = lines.index("") if "" in lines else len(lines)
    return [line.strip() for line in lines[1:end]]


def _hinted(lines: list[str]) -> list[dict[str, Any]]:
    """The ledger entries printed after the hint, parsed as the ledger would parse them."""
    assert lines[lines.index("") + 1] == HINT
    entries: list[dict[str, Any]] = yaml.safe_load("\n".join(lines[lines.index(HINT) + 1 :]))
    return entries


def test_the_vendored_copies_differ_only_as_the_ledger_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, lines = _run(capsys, [])
    assert status == 0, "\n".join(lines)
    assert len(lines) == 3
    older, newest, kustom = lines
    assert older.startswith("upstream-diff: klarna-om-openapi-2024-01.json: ")
    assert (
        "additions of ours, judged against the newest copy only: klarna-om-openapi-2026.yml)"
        in (older)
    )
    assert newest.startswith("upstream-diff: klarna-om-openapi-2026.yml: ")
    assert "additions" not in newest
    assert older.endswith(", 0 not")
    assert newest.endswith(", 0 not")
    assert kustom == (
        "upstream-diff: provider kustom: 9 differences from Klarna in spec/, 9 recorded in "
        "deviations.yaml (`providers:`), 0 not; 17 facts recorded there, 0 not shown by spec/"
    )


def test_the_ledger_is_well_formed() -> None:
    entries = upstream_diff.load_ledger()
    assert len(entries) == 19
    assert upstream_diff.ledger_problems(entries) == []


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


def new_field(doc: dict[str, Any]) -> None:
    _schemas(doc)["Refund"]["properties"]["processed_amount"] = {
        "type": "integer",
        "format": "int64",
    }


def changed_maximum(doc: dict[str, Any]) -> None:
    _schemas(doc)["RefundObject"]["properties"]["refunded_amount"]["maximum"] = 500000000


def removed_enum_value(doc: dict[str, Any]) -> None:
    status = _schemas(doc)["MerchantOrderDto"]["properties"]["status"]
    status["enum"].remove("EXPIRED")


def renamed_enum_value(doc: dict[str, Any]) -> None:
    status = _schemas(doc)["MerchantOrderDto"]["properties"]["status"]
    status["enum"][status["enum"].index("EXPIRED")] = "EXPIRED_ORDER"


def return_fee_dropped_from_the_joined_types(doc: dict[str, Any]) -> None:
    # The 2026 copy's artefact: one enum value holding every type; the next copy drops one.
    order_line_type = _schemas(doc)["order_line"]["properties"]["type"]
    order_line_type["enum"] = ["|".join(ORDER_LINE_TYPES[:-1])]


def order_line_types_listed_without_return_fee(doc: dict[str, Any]) -> None:
    _schemas(doc)["order_line"]["properties"]["type"]["enum"] = ORDER_LINE_TYPES[:-1]


def new_required_parameter(doc: dict[str, Any]) -> None:
    doc["paths"]["/ordermanagement/v1/orders/{order_id}/refunds"]["post"]["parameters"].append(
        {
            "name": "Klarna-Merchant-Id",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
        }
    )


ORDER_LINE_TYPE_PLACES = [
    "getOrder response.200.body.captures[].order_lines[].type",
    "getOrder response.200.body.order_lines[].type",
    "getOrder response.200.body.refunds[].order_lines[].type",
    "refundOrder request.body.order_lines[].type",
    "getRefund response.200.body.order_lines[].type",
]


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        (
            new_field,
            [
                "getOrder response.200.body.refunds[].processed_amount property: "
                'Klarna "declared", ours absent',
                "getRefund response.200.body.processed_amount property: "
                'Klarna "declared", ours absent',
            ],
        ),
        (
            changed_maximum,
            ["refundOrder request.body.refunded_amount maximum: Klarna 500000000, ours 200000000"],
        ),
        (
            removed_enum_value,
            [
                "getOrder response.200.body.status enum values: only Klarna lists [], "
                'only ours ["EXPIRED"]'
            ],
        ),
        (
            renamed_enum_value,
            [
                "getOrder response.200.body.status enum values: only Klarna lists "
                '["EXPIRED_ORDER"], only ours ["EXPIRED"]'
            ],
        ),
        (
            return_fee_dropped_from_the_joined_types,
            [
                f"{place} enum values: only Klarna lists "
                '["physical|discount|shipping_fee|sales_tax|store_credit|gift_card|digital|'
                'surcharge"], only ours ["digital", "discount", "gift_card", "physical", '
                '"return_fee", "sales_tax", "shipping_fee", "store_credit", "surcharge"]'
                for place in ORDER_LINE_TYPE_PLACES
            ],
        ),
        (
            order_line_types_listed_without_return_fee,
            [
                f'{place} enum values: only Klarna lists [], only ours ["return_fee"]'
                for place in ORDER_LINE_TYPE_PLACES
            ],
        ),
        (
            new_required_parameter,
            [
                "refundOrder parameter.header.klarna-merchant-id parameter: "
                'Klarna "declared", ours absent'
            ],
        ),
    ],
)
def test_a_change_planted_upstream_is_reported_with_its_ledger_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], plant: Plant, expected: list[str]
) -> None:
    planted = _planted(tmp_path, UPSTREAM_2026, plant)
    status, lines = _run(capsys, [planted])
    assert status == 1
    assert lines[0].startswith("upstream-diff: klarna-om-openapi-2026.yml: ")
    assert lines[0].endswith(f", {len(expected)} not")
    assert _reported(lines) == expected
    # The printed entries, given a reason, make the ledger explain the planted copy.
    status, lines = _run(capsys, [planted], _ledger_with(tmp_path, lines, REASON))
    assert status == 0, "\n".join(lines)


REASON = "Planted in a test: a change we have not adopted from Klarna yet."


def _ledger_with(tmp_path: Path, lines: list[str], reason: str | None) -> Path:
    """The ledger with the printed entries pasted at its end (their reason given, if any)."""
    pasted = "\n".join(lines[lines.index(HINT) + 1 :]) + "\n"
    if reason is not None:
        pasted = pasted.replace(TODO, reason)
    # At the end of `deviations:`, which the `providers:` section (and its comment) follows.
    text = upstream_diff.LEDGER.read_text(encoding="utf-8")
    at = text.index("\n# Providers:") + 1
    ledger = tmp_path / "deviations.yaml"
    ledger.write_text(text[:at] + pasted + text[at:], encoding="utf-8")
    return ledger


def test_the_printed_entry_pastes_into_the_ledger_and_explains_the_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    planted = _planted(tmp_path, UPSTREAM_2026, new_field)
    _, lines = _run(capsys, [planted])
    assert _hinted(lines) == [
        {
            "operation": "getOrder",
            "where": "response.200.body.refunds[].processed_amount",
            "aspect": "property",
            "upstream": "declared",
            "ours": "absent",
            "why": TODO,
        },
        {
            "operation": "getRefund",
            "where": "response.200.body.processed_amount",
            "aspect": "property",
            "upstream": "declared",
            "ours": "absent",
            "why": TODO,
        },
    ]
    # As printed, the reason is still to be written: the ledger refuses it.
    status, refused = _run(capsys, [planted], _ledger_with(tmp_path, lines, None))
    assert (status, refused) == (
        1,
        [
            f"upstream-diff: deviations.yaml: entry {n}: `why` needs a reason (8 words or more): "
            f"{TODO!r}"
            for n in (len(upstream_diff.load_ledger()), len(upstream_diff.load_ledger()) + 1)
        ],
    )
    status, lines = _run(capsys, [planted], _ledger_with(tmp_path, lines, REASON))
    assert status == 0, "\n".join(lines)
    assert lines == [
        "upstream-diff: klarna-om-openapi-2026.yml: 88 differences, 88 explained by "
        "deviations.yaml, 0 not"
    ]


def without_refund_reference(doc: dict[str, Any]) -> None:
    del _schemas(doc)["Refund"]["properties"]["reference"]


def test_our_additions_are_judged_against_the_newest_copy_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Refund.reference: ours and the 2026 copy's. A 2024 copy without it is history.
    (tmp_path / "older").mkdir()
    (tmp_path / "newest").mkdir()
    older = _planted(tmp_path / "older", UPSTREAM_2024, without_refund_reference)
    status, lines = _run(capsys, [older])
    assert status == 0, "\n".join(lines)
    assert lines[0].startswith("upstream-diff: klarna-om-openapi-2024-01.yml: ")
    assert lines[0].endswith(", 0 not")
    # Missing from the newest copy, it is reported.
    newest = _planted(tmp_path / "newest", UPSTREAM_2026, without_refund_reference)
    status, lines = _run(capsys, [newest])
    assert status == 1
    assert _reported(lines) == [
        'getOrder response.200.body.refunds[].reference property: Klarna absent, ours "declared"',
        'getRefund response.200.body.reference property: Klarna absent, ours "declared"',
    ]


def test_what_klarna_says_is_judged_against_every_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = _run(capsys, [_planted(tmp_path, UPSTREAM_2024, changed_maximum)])
    assert status == 1
    assert _reported(lines) == [
        "refundOrder request.body.refunded_amount maximum: Klarna 500000000, ours 200000000"
    ]


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("klarna-om-openapi-2024-01.json", (2024, 1)),
        ("klarna-om-openapi-2026.yml", (2026,)),
        ("klarna-om-openapi-2026-03.yml", (2026, 3)),
        ("klarna-om-openapi-2026-03-15.yaml", (2026, 3, 15)),
        ("downloaded.yml", (sys.maxsize,)),
    ],
)
def test_a_copy_is_dated_by_its_name(name: str, date: tuple[int, ...]) -> None:
    assert upstream_diff.copy_date(Path(name)) == date


def test_a_ledger_name_that_explains_nothing_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _whole_ledger()
    entries = whole["deviations"]
    errors = next(e for e in entries if e["aspect"] == "response")
    errors["where"] = [*errors["where"], "response.418"]
    status, lines = _run(capsys, [], _write_ledger(tmp_path, whole))
    assert status == 1
    assert lines[2] == (
        f"upstream-diff: deviations.yaml: entry {entries.index(errors)}: where response.418 "
        "explains nothing"
    )
    assert lines[3].startswith("upstream-diff: provider kustom: ")
    assert lines[4:] == []


def _whole_ledger() -> dict[str, Any]:
    whole: dict[str, Any] = yaml.safe_load(upstream_diff.LEDGER.read_text(encoding="utf-8"))
    return whole


def _write_ledger(tmp_path: Path, whole: dict[str, Any]) -> Path:
    ledger = tmp_path / "deviations.yaml"
    ledger.write_text(yaml.safe_dump(whole, sort_keys=False), encoding="utf-8")
    return ledger


def test_a_malformed_ledger_is_refused() -> None:
    assert upstream_diff.ledger_problems(
        [
            {"where": "operation", "aspect": "operationId", "upstream": "get", "why": "x " * 8},
            {
                "where": "operation",
                "aspect": "operationId",
                "upstream": "get",
                "ours": "getRefund",
                "why": "a reason of at least eight words, given here",
                "pattern": "*",
            },
            {
                "where": "operation",
                "aspect": "operationId",
                "upstream": "get",
                "ours": "getRefund",
                "why": "too short",
            },
            "not a mapping",
        ]
    ) == [
        "entry 0: missing ['ours'], unknown []",
        "entry 1: missing [], unknown ['pattern']",
        "entry 2: `why` needs a reason (8 words or more): 'too short'",
        "entry 3 is not a mapping",
    ]


# --- Providers: spec/'s provider extensions against the ledger's `providers:` ---

PROVIDER_HINT = (
    "upstream-diff: record what spec/ says of each provider in the ledger (under `providers:`, "
    "replacing an entry spec/ no longer shows), with its source and reason:"
)
EXTEND = "/ordermanagement/v1/orders/{order_id}/captures/{capture_id}/extend-due-date"


def _run_spec(
    capsys: pytest.CaptureFixture[str], spec: Path, ledger: Path = upstream_diff.LEDGER
) -> tuple[int, list[str]]:
    status = upstream_diff.main([], ledger_path=ledger, spec_path=spec)
    return status, capsys.readouterr().out.splitlines()


def _planted_spec(tmp_path: Path, plant: Plant) -> Path:
    doc = copy.deepcopy(upstream_diff.load(upstream_diff.SPEC))
    plant(doc)
    planted = tmp_path / upstream_diff.SPEC.name
    planted.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return planted


def _provider_lines(lines: list[str]) -> list[str]:
    """The provider summary and what it reports, up to the hint."""
    start = next(i for i, line in enumerate(lines) if line.startswith("upstream-diff: provider "))
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return [line.strip() for line in lines[start:end]]


def _provider_hinted(lines: list[str]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(
        "\n".join(lines[lines.index(PROVIDER_HINT) + 1 :])
    )
    return entries


def _entry_index(whole: dict[str, Any], where: str, aspect: str) -> int:
    return next(
        i for i, e in enumerate(whole["providers"]) if e["where"] == where and e["aspect"] == aspect
    )


def test_kustom_on_extend_due_date_without_a_ledger_change_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def kustom_extends(doc: dict[str, Any]) -> None:
        doc["paths"][EXTEND]["patch"]["x-klarna-om-providers"] = ["klarna", "kustom"]

    planted = _planted_spec(tmp_path, kustom_extends)
    status, lines = _run_spec(capsys, planted)
    served = _entry_index(_whole_ledger(), "operation", "served")
    assert status == 1
    assert _provider_lines(lines) == [
        # extendDueDate's order_id is now Kustom's too: a UUID, as the ledger already says.
        "upstream-diff: provider kustom: 9 differences from Klarna in spec/, 9 recorded in "
        "deviations.yaml (`providers:`), 0 not; 18 facts recorded there, 1 not shown by spec/",
        f"kustom extendDueDate operation served: ledger (providers entry {served}) false, "
        "spec/ true",
    ]
    assert _provider_hinted(lines) == [
        {
            "provider": "kustom",
            "operation": "extendDueDate",
            "where": "operation",
            "aspect": "served",
            "value": True,
            "source": "TODO: the page of kustom that documents this (https://…)",
            "why": "TODO: what kustom documents here and why spec/ says it",
        }
    ]
    # The ledger made true again (extendDueDate no longer named): nothing to report.
    whole = _whole_ledger()
    whole["providers"][served]["operation"] = ["getOptionsForExtendDueDate"]
    status, lines = _run_spec(capsys, planted, _write_ledger(tmp_path, whole))
    assert status == 0, "\n".join(lines)


def test_a_ledger_fact_removed_is_reported_with_the_entry_to_paste(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _whole_ledger()
    del whole["providers"][_entry_index(whole, "parameter.path.order_id", "format")]
    status, lines = _run_spec(capsys, upstream_diff.SPEC, _write_ledger(tmp_path, whole))
    assert status == 1
    assert _provider_lines(lines) == [
        "upstream-diff: provider kustom: 9 differences from Klarna in spec/, 5 recorded in "
        "deviations.yaml (`providers:`), 4 not; 13 facts recorded there, 0 not shown by spec/",
        *(
            f'kustom {op} parameter.path.order_id format: "uuid": in spec/, not in the ledger'
            for op in ("getOrder", "refundOrder", "getRefund", "releaseRemainingAuthorization")
        ),
    ]
    hinted = _provider_hinted(lines)
    assert hinted == [
        {
            "provider": "kustom",
            "operation": ["getOrder", "getRefund", "refundOrder", "releaseRemainingAuthorization"],
            "where": "parameter.path.order_id",
            "aspect": "format",
            "value": "uuid",
            "source": "TODO: the page of kustom that documents this (https://…)",
            "why": "TODO: what kustom documents here and why spec/ says it",
        }
    ]
    # Pasted as printed, the source and reason are still to be written: refused.
    whole["providers"] += copy.deepcopy(hinted)
    status, lines = _run_spec(capsys, upstream_diff.SPEC, _write_ledger(tmp_path, whole))
    last = len(whole["providers"]) - 1
    assert (status, lines[2:]) == (
        1,
        [
            f"upstream-diff: deviations.yaml: providers entry {last}: `source` needs the "
            "provider's page(s) (https://…): 'TODO: the page of kustom that documents this "
            "(https://…)'",
            f"upstream-diff: deviations.yaml: providers entry {last}: `why` needs a reason "
            "(8 words or more): 'TODO: what kustom documents here and why spec/ says it'",
        ],
    )
    whole["providers"][last].update(
        source="https://docs.kustom.co/contents/api/order-management/refunds/refundorder",
        why=REASON,
    )
    status, lines = _run_spec(capsys, upstream_diff.SPEC, _write_ledger(tmp_path, whole))
    assert status == 0, "\n".join(lines)


def kustom_region(doc: dict[str, Any]) -> None:
    kustom = [s for s in doc["servers"] if s["x-klarna-om-provider"] == "kustom"]
    for server in kustom:
        server["x-klarna-om-region"] = "eu"


def kustom_narrows_the_refund_amount(doc: dict[str, Any]) -> None:
    amount = doc["components"]["schemas"]["RefundObject"]["properties"]["refunded_amount"]
    amount["x-klarna-om-provider-schema"] = {"kustom": {"maximum": 100000000}}


def kustom_order_ids_unnarrowed(doc: dict[str, Any]) -> None:
    del doc["components"]["parameters"]["OrderId"]["x-klarna-om-provider-schema"]


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        (
            kustom_region,
            [
                'kustom servers regions: ["eu"]: in spec/, not in the ledger',
                'kustom servers regions: ledger (providers entry 2) [], spec/ ["eu"]',
            ],
        ),
        (
            kustom_narrows_the_refund_amount,
            [
                "kustom #/components/schemas/RefundObject/properties/refunded_amount maximum: "
                "100000000: in spec/, not in the ledger",
                "kustom refundOrder request.body.refunded_amount maximum: ledger (providers "
                "entry 7) 200000000, spec/ 100000000",
            ],
        ),
        (
            kustom_order_ids_unnarrowed,
            [
                f"kustom {op} parameter.path.order_id format: ledger (providers entry 4) "
                '"uuid", spec/ absent'
                for op in ("getOrder", "refundOrder", "getRefund", "releaseRemainingAuthorization")
            ],
        ),
    ],
)
def test_a_provider_change_planted_in_spec_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], plant: Plant, expected: list[str]
) -> None:
    status, lines = _run_spec(capsys, _planted_spec(tmp_path, plant))
    assert status == 1
    assert _provider_lines(lines)[1:] == expected
    assert PROVIDER_HINT in lines


def test_the_provider_entries_are_well_formed() -> None:
    entries = upstream_diff.load_providers()
    assert upstream_diff.provider_problems(entries) == []
    assert {e["provider"] for e in entries} == {"kustom"}
