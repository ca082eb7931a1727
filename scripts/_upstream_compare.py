"""The comparisons of upstream_diff.py: every ``Difference`` between our operations and Klarna's.

Exists so that what differs is found in one place, field by field through ``$ref``s. It never
reads the ledger, so it must never decide whether a difference is explained, and never prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from _upstream_load import METHODS, json_body, normalized, parameters, resolve, template

ABSENT = "absent"
ENUM_VALUES = "enum values"
#: Schema keywords compared, besides properties, items, required and enums.
SCALARS = ("type", "format", "minimum", "maximum", "minLength", "maxLength", "maxItems")


@dataclass(frozen=True)
class Difference:
    """One way spec/ differs from an upstream definition."""

    operation: str
    where: str
    aspect: str
    upstream: Any
    ours: Any

    def __str__(self) -> str:
        if self.aspect == ENUM_VALUES:
            return (
                f"{self.operation} {self.where} {self.aspect}: only Klarna lists "
                f"{show(self.upstream)}, only ours {show(self.ours)}"
            )
        return (
            f"{self.operation} {self.where} {self.aspect}: Klarna {show(self.upstream)}, "
            f"ours {show(self.ours)}"
        )

    @property
    def is_addition(self) -> bool:
        """Whether the upstream copy says nothing here and we say something."""
        return self.upstream == ABSENT or (self.aspect == ENUM_VALUES and not self.upstream)


def show(value: Any) -> str:
    """A value as a report line writes it: ``absent``, else JSON."""
    return value if value == ABSENT else json.dumps(value, sort_keys=True)


def values(found: Any) -> tuple[Any, ...]:
    """Enum values in one order (a ledger may list them in any)."""
    return tuple(sorted(found, key=json.dumps))


def _schema_diffs(
    ours_doc: dict[str, Any],
    theirs_doc: dict[str, Any],
    ours: Any,
    theirs: Any,
    op: str,
    where: str,
    depth: int = 0,
) -> list[Difference]:
    mine, klarna = normalized(ours_doc, ours), normalized(theirs_doc, theirs)
    found = []
    for key in SCALARS:
        if mine.get(key) != klarna.get(key):
            found.append(Difference(op, where, key, klarna.get(key, ABSENT), mine.get(key, ABSENT)))
    mine_enum, klarna_enum = set(mine.get("enum", [])), set(klarna.get("enum", []))
    if mine_enum != klarna_enum:
        only_klarna, only_ours = values(klarna_enum - mine_enum), values(mine_enum - klarna_enum)
        found.append(Difference(op, where, ENUM_VALUES, only_klarna, only_ours))
    if bool(mine.get("open")) != bool(klarna.get("open")) and mine_enum and klarna_enum:
        found.append(
            Difference(op, where, "open enum", bool(klarna.get("open")), bool(mine.get("open")))
        )
    if depth > 12:
        return found
    mine_required, klarna_required = set(mine.get("required", [])), set(klarna.get("required", []))
    mine_props, klarna_props = mine.get("properties", {}), klarna.get("properties", {})
    for name in sorted(set(mine_props) | set(klarna_props)):
        here = f"{where}.{name}"
        if name not in mine_props:
            found.append(Difference(op, here, "property", "declared", ABSENT))
            continue
        if name not in klarna_props:
            found.append(Difference(op, here, "property", ABSENT, "declared"))
            continue
        if (name in mine_required) != (name in klarna_required):
            found.append(
                Difference(op, here, "required", name in klarna_required, name in mine_required)
            )
        found += _schema_diffs(
            ours_doc, theirs_doc, mine_props[name], klarna_props[name], op, here, depth + 1
        )
    if "items" in mine or "items" in klarna:
        found += _schema_diffs(
            ours_doc,
            theirs_doc,
            mine.get("items"),
            klarna.get("items"),
            op,
            f"{where}[]",
            depth + 1,
        )
    return found


def compare(ours: dict[str, Any], theirs: dict[str, Any]) -> list[Difference]:
    """Every difference between our operations and the same operations upstream."""
    found: list[Difference] = []
    upstream_ops = {
        (method, template(path)): (item, item[method])
        for path, item in theirs.get("paths", {}).items()
        for method in METHODS
        if method in item
    }
    for path, item in ours["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            name = op["operationId"]
            match = upstream_ops.get((method, template(path)))
            if match is None:
                found.append(
                    Difference(name, "operation", f"{method.upper()} {path}", ABSENT, "declared")
                )
                continue
            their_item, their_op = match
            if their_op.get("operationId") != name:
                found.append(
                    Difference(name, "operation", "operationId", their_op.get("operationId"), name)
                )
            found += _compare_parameters(ours, theirs, item, op, their_item, their_op, name)
            mine_body, their_body = (
                json_body(ours, op.get("requestBody")),
                json_body(theirs, their_op.get("requestBody")),
            )
            if (mine_body is None) != (their_body is None):
                found.append(
                    Difference(
                        name,
                        "request.body",
                        "body",
                        "declared" if their_body is not None else ABSENT,
                        "declared" if mine_body is not None else ABSENT,
                    )
                )
            elif mine_body is not None:
                found += _schema_diffs(ours, theirs, mine_body, their_body, name, "request.body")
            found += _compare_responses(ours, theirs, op, their_op, name)
    return found


def _compare_parameters(
    ours: dict[str, Any],
    theirs: dict[str, Any],
    item: dict[str, Any],
    op: dict[str, Any],
    their_item: dict[str, Any],
    their_op: dict[str, Any],
    name: str,
) -> list[Difference]:
    found: list[Difference] = []
    mine, klarna = parameters(ours, item, op), parameters(theirs, their_item, their_op)
    for key in sorted(set(mine) | set(klarna)):
        if key not in mine or key not in klarna:
            found.append(
                Difference(
                    name,
                    key,
                    "parameter",
                    "declared" if key in klarna else ABSENT,
                    "declared" if key in mine else ABSENT,
                )
            )
            continue
        mine_required, klarna_required = (
            bool(mine[key].get("required")),
            bool(klarna[key].get("required")),
        )
        if mine_required != klarna_required:
            found.append(Difference(name, key, "required", klarna_required, mine_required))
        found += _schema_diffs(
            ours, theirs, mine[key].get("schema"), klarna[key].get("schema"), name, key
        )
    return found


def _compare_responses(
    ours: dict[str, Any],
    theirs: dict[str, Any],
    op: dict[str, Any],
    their_op: dict[str, Any],
    name: str,
) -> list[Difference]:
    found: list[Difference] = []
    mine, klarna = op.get("responses", {}), their_op.get("responses", {})
    for code in sorted(set(mine) | set(klarna)):
        where = f"response.{code}"
        if code not in mine or code not in klarna:
            found.append(
                Difference(
                    name,
                    where,
                    "response",
                    "declared" if code in klarna else ABSENT,
                    "declared" if code in mine else ABSENT,
                )
            )
            continue
        mine_response, klarna_response = resolve(ours, mine[code]), resolve(theirs, klarna[code])
        mine_headers = {
            k.lower(): resolve(ours, v) for k, v in (mine_response.get("headers") or {}).items()
        }
        klarna_headers = {
            k.lower(): resolve(theirs, v) for k, v in (klarna_response.get("headers") or {}).items()
        }
        for header in sorted(set(mine_headers) | set(klarna_headers)):
            here = f"{where}.header.{header}"
            if header not in mine_headers or header not in klarna_headers:
                found.append(
                    Difference(
                        name,
                        here,
                        "header",
                        "declared" if header in klarna_headers else ABSENT,
                        "declared" if header in mine_headers else ABSENT,
                    )
                )
                continue
            mine_required = bool(mine_headers[header].get("required"))
            klarna_required = bool(klarna_headers[header].get("required"))
            if mine_required != klarna_required:
                found.append(Difference(name, here, "required", klarna_required, mine_required))
            found += _schema_diffs(
                ours,
                theirs,
                mine_headers[header].get("schema"),
                klarna_headers[header].get("schema"),
                name,
                here,
            )
        mine_body, their_body = json_body(ours, mine_response), json_body(theirs, klarna_response)
        if (mine_body is None) != (their_body is None):
            found.append(
                Difference(
                    name,
                    f"{where}.body",
                    "body",
                    "declared" if their_body is not None else ABSENT,
                    "declared" if mine_body is not None else ABSENT,
                )
            )
        elif mine_body is not None:
            found += _schema_diffs(ours, theirs, mine_body, their_body, name, f"{where}.body")
    return found
