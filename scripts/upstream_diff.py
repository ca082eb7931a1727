"""Compare spec/ with a definition Klarna published; print what the ledger does not explain.

Usage: python scripts/upstream_diff.py [UPSTREAM ...]   (`make upstream-diff [UPSTREAM=path]`)
Default: every vendored copy in spec/upstream/. Exit 1 if any difference is unexplained (or,
with the defaults, if a ledger entry explains nothing: the ledger must stay true).

Our operations are found in the upstream file by method and path. For each one it compares the
operationId, the parameters (presence, required, type, format, bounds, enum), the request body,
the response codes, the response headers (presence, required, type) and the bodies, field by
field through ``$ref``s: presence, required, type, format, bounds (minimum, maximum, minLength,
maxLength, maxItems), enum values. Descriptions and examples are not compared. Klarna's open
enums in spec/ (``anyOf: [enum, string]``) compare as their enum plus ``open: true``.

A difference reads ``<operationId> <where> <aspect>: Klarna <value>, ours <value>``, where
``where`` is ``request.body.order_lines[].quantity``, ``response.200.body.refunds[].reference``,
``response.201.header.Location``, ``parameter.header.Klarna-Idempotency-Key`` or ``operation``.
A ledger entry explains the differences it matches: ``operation`` and ``where`` (fnmatch
patterns), ``aspect`` (optional) and, when given, ``upstream`` and ``ours`` (a value, or a map from
an upstream file's stem to a value).
"""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from _refs import follow_ref

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "klarna-ordermanagement.yaml"
LEDGER = ROOT / "spec" / "deviations.yaml"
UPSTREAM_DIR = ROOT / "spec" / "upstream"
METHODS = ("get", "put", "post", "delete", "patch")
ABSENT = "absent"
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
        return (
            f"{self.operation} {self.where} {self.aspect}: Klarna {_show(self.upstream)}, "
            f"ours {_show(self.ours)}"
        )


def _show(value: Any) -> str:
    return value if value == ABSENT else json.dumps(value, sort_keys=True)


def load(path: Path) -> dict[str, Any]:
    """A JSON or YAML document."""
    text = path.read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return data


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    return follow_ref(doc, node)[0]


def _normalized(doc: dict[str, Any], schema: Any) -> dict[str, Any]:
    """A schema with refs followed, ``allOf`` merged and an open enum written as enum + open."""
    schema = _resolve(doc, schema)
    if not isinstance(schema, dict):
        return {}
    out = {k: v for k, v in schema.items() if k not in ("allOf", "anyOf", "oneOf")}
    for part in schema.get("allOf", []):
        merged = _normalized(doc, part)
        out = {
            **merged,
            **out,
            "properties": {**merged.get("properties", {}), **out.get("properties", {})},
        }
    alternatives: list[Any] = schema.get("anyOf") or schema.get("oneOf") or []
    members = [_normalized(doc, m) for m in alternatives]
    enums = [m for m in members if "enum" in m]
    plain = [m for m in members if "enum" not in m and m.get("type") == "string"]
    if len(members) == 2 and len(enums) == 1 and len(plain) == 1:
        out = {**enums[0], **out, "open": True}
    elif members:
        out["anyOf"] = members
    return out


def _schema_diffs(
    ours_doc: dict[str, Any],
    theirs_doc: dict[str, Any],
    ours: Any,
    theirs: Any,
    op: str,
    where: str,
    depth: int = 0,
) -> list[Difference]:
    mine, klarna = _normalized(ours_doc, ours), _normalized(theirs_doc, theirs)
    found = []
    for key in SCALARS:
        if mine.get(key) != klarna.get(key):
            found.append(Difference(op, where, key, klarna.get(key, ABSENT), mine.get(key, ABSENT)))
    mine_enum, klarna_enum = sorted(mine.get("enum", [])), sorted(klarna.get("enum", []))
    if mine_enum != klarna_enum:
        for value in sorted(set(klarna_enum) - set(mine_enum)):
            found.append(Difference(op, where, f"enum value {value}", "listed", ABSENT))
        for value in sorted(set(mine_enum) - set(klarna_enum)):
            found.append(Difference(op, where, f"enum value {value}", ABSENT, "listed"))
    if bool(mine.get("open")) != bool(klarna.get("open")) and (mine_enum or klarna_enum):
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


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _parameters(doc: dict[str, Any], item: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for param in [*item.get("parameters", []), *op.get("parameters", [])]:
        param = _resolve(doc, param)
        name = param["name"].lower() if param["in"] == "header" else param["name"]
        found[f"parameter.{param['in']}.{name}"] = param
    return found


def _json_body(doc: dict[str, Any], holder: Any) -> Any:
    content = (_resolve(doc, holder) or {}).get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return None if media is None else media.get("schema")


def compare(ours: dict[str, Any], theirs: dict[str, Any]) -> list[Difference]:
    """Every difference between our operations and the same operations upstream."""
    found: list[Difference] = []
    upstream_ops = {
        (method, _template(path)): (item, item[method])
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
            match = upstream_ops.get((method, _template(path)))
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
                _json_body(ours, op.get("requestBody")),
                _json_body(theirs, their_op.get("requestBody")),
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
    mine, klarna = _parameters(ours, item, op), _parameters(theirs, their_item, their_op)
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
        mine_response, klarna_response = _resolve(ours, mine[code]), _resolve(theirs, klarna[code])
        mine_headers = {
            k.lower(): _resolve(ours, v) for k, v in (mine_response.get("headers") or {}).items()
        }
        klarna_headers = {
            k.lower(): _resolve(theirs, v)
            for k, v in (klarna_response.get("headers") or {}).items()
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
        mine_body, their_body = _json_body(ours, mine_response), _json_body(theirs, klarna_response)
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


def _value_for(value: Any, stem: str) -> Any:
    if isinstance(value, dict) and stem in value:
        return value[stem]
    return value


def _matches(value: str, patterns: str | list[str]) -> bool:
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


def explains(entry: dict[str, Any], difference: Difference, stem: str) -> bool:
    """Whether a ledger entry explains a difference found against the upstream file ``stem``."""
    if not _matches(difference.operation, entry.get("operation", "*")):
        return False
    if not _matches(difference.where, entry["where"]):
        return False
    if "aspect" in entry and not fnmatch.fnmatchcase(difference.aspect, entry["aspect"]):
        return False
    for side in ("upstream", "ours"):
        if side in entry and _value_for(entry[side], stem) != getattr(difference, side):
            return False
    return True


def upstream_files() -> list[Path]:
    """The vendored copies of Klarna's definition."""
    return sorted(p for p in UPSTREAM_DIR.iterdir() if p.suffix in (".json", ".yml", ".yaml"))


def main(argv: list[str]) -> int:
    """Print the unexplained differences for each upstream file; the exit code is the verdict."""
    ours = load(SPEC)
    ledger: list[dict[str, Any]] = yaml.safe_load(LEDGER.read_text(encoding="utf-8"))["deviations"]
    files = [Path(a) for a in argv] or upstream_files()
    used: set[int] = set()
    status = 0
    for path in files:
        theirs = load(path)
        differences = compare(ours, theirs)
        unexplained = []
        for difference in differences:
            matched = [i for i, e in enumerate(ledger) if explains(e, difference, path.stem)]
            used.update(matched)
            if not matched:
                unexplained.append(difference)
        print(
            f"upstream-diff: {path.name}: {len(differences)} differences, "
            f"{len(differences) - len(unexplained)} explained by {LEDGER.name}, "
            f"{len(unexplained)} not"
        )
        for difference in unexplained:
            print(f"  {difference}")
        status |= 1 if unexplained else 0
    if not argv:
        for index, entry in enumerate(ledger):
            if index not in used:
                print(f"upstream-diff: ledger entry {index} explains nothing: {entry['why'][:60]}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
