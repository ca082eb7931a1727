"""Compare spec/ with a definition Klarna published; print what the ledger does not explain.

Usage: python scripts/upstream_diff.py [UPSTREAM ...]   (`make upstream-diff [UPSTREAM=path]`)
Default: every vendored copy in spec/upstream/. Exit 1 if any difference is unexplained (or,
with the defaults, if a ledger entry names an operation, place, aspect or copy that differs
nowhere: the ledger must stay true), or if the ledger is malformed. Each unexplained difference
comes with the ledger entry that would explain it, as YAML to paste into spec/deviations.yaml
once it has a reason.

Our operations are found in the upstream file by method and path. For each one it compares the
operationId, the parameters (presence, required, type, format, bounds, enum), the request body,
the response codes, the response headers (presence, required, type) and the bodies, field by
field through ``$ref``s: presence, required, type, format, bounds (minimum, maximum, minLength,
maxLength, maxItems), enum values. Descriptions and examples are not compared. Klarna's open
enums in spec/ (``anyOf: [enum, string]``) compare as their enum plus ``open: true``; openness
is compared only where both sides list values (a plain string is open already).

A difference reads ``<operationId> <where> <aspect>: Klarna <value>, ours <value>``, where
``where`` is ``request.body.order_lines[].quantity``, ``response.200.body.refunds[].reference``,
``response.201.header.location``, ``parameter.header.klarna-idempotency-key`` or ``operation``.
Enum values compare as one difference per place, aspect ``enum values``: the values only
Klarna lists, and the values only we list (sorted lists).

Our additions (a difference where the upstream copy says nothing: an ``absent`` field,
parameter, header or response, no enum values, no bound) are judged against the newest copy
only, the one whose name carries the latest date (``klarna-om-openapi-2026-03.yml``; a name
without a date counts as newest, as a fresh download): an older copy that lacks what the newest
has is history, not a difference.

A ledger entry explains exactly what it names, nothing by pattern: ``where`` and ``aspect`` (a
string or a list), ``operation`` (likewise; omitted, every operation), and ``upstream`` and
``ours``, the whole values (a map from an upstream file's stem to a value when the copies
differ; a list of enum values in any order). A value Klarna removes or renames is therefore
always reported.
"""

from __future__ import annotations

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
ENUM_VALUES = "enum values"
#: The keys of a ledger entry; all but ``operation`` are required.
ENTRY_KEYS = ("operation", "where", "aspect", "upstream", "ours", "why")
#: What the hint's ``why`` starts with; an entry that still says it is refused.
TODO = "TODO"
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
                f"{_show(self.upstream)}, only ours {_show(self.ours)}"
            )
        return (
            f"{self.operation} {self.where} {self.aspect}: Klarna {_show(self.upstream)}, "
            f"ours {_show(self.ours)}"
        )

    @property
    def is_addition(self) -> bool:
        """Whether the upstream copy says nothing here and we say something."""
        return self.upstream == ABSENT or (self.aspect == ENUM_VALUES and not self.upstream)


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
    mine_enum, klarna_enum = set(mine.get("enum", [])), set(klarna.get("enum", []))
    if mine_enum != klarna_enum:
        only_klarna, only_ours = _values(klarna_enum - mine_enum), _values(mine_enum - klarna_enum)
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


def _values(values: Any) -> tuple[Any, ...]:
    """Enum values in one order (a ledger may list them in any)."""
    return tuple(sorted(values, key=json.dumps))


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


def _names(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _value_for(value: Any, stem: str) -> tuple[bool, Any]:
    """The value an entry gives for the copy ``stem``, and whether the entry keys it by copy."""
    if isinstance(value, dict):
        return True, value.get(stem, _NO_VALUE)
    return False, value


_NO_VALUE = object()


def _same(entry_value: Any, value: Any) -> bool:
    if isinstance(entry_value, list) and isinstance(value, tuple):
        return _values(entry_value) == value
    return bool(entry_value == value)


def explains(entry: dict[str, Any], difference: Difference, stem: str) -> bool:
    """Whether a ledger entry explains a difference found against the upstream file ``stem``."""
    if "operation" in entry and difference.operation not in _names(entry["operation"]):
        return False
    if difference.where not in _names(entry["where"]):
        return False
    if difference.aspect not in _names(entry["aspect"]):
        return False
    for side in ("upstream", "ours"):
        _, value = _value_for(entry[side], stem)
        if not _same(value, getattr(difference, side)):
            return False
    return True


def _named(entry: dict[str, Any]) -> set[str]:
    """Everything an entry names, each of which must explain some difference."""
    named = {f"where {w}" for w in _names(entry["where"])}
    named |= {f"aspect {a}" for a in _names(entry["aspect"])}
    named |= {f"operation {o}" for o in _names(entry.get("operation", []))}
    for side in ("upstream", "ours"):
        if isinstance(entry[side], dict):
            named |= {f"{side} for {stem}" for stem in entry[side]}
    return named


def _used(entry: dict[str, Any], difference: Difference, stem: str) -> set[str]:
    used = {f"where {difference.where}", f"aspect {difference.aspect}"}
    if "operation" in entry:
        used.add(f"operation {difference.operation}")
    for side in ("upstream", "ours"):
        if isinstance(entry[side], dict):
            used.add(f"{side} for {stem}")
    return used


def ledger_problems(ledger: Any) -> list[str]:
    """What makes the ledger unusable: missing or unknown keys, a reason not yet written."""
    if not isinstance(ledger, list):
        return ["`deviations` is not a list"]
    problems = []
    for index, entry in enumerate(ledger):
        if not isinstance(entry, dict):
            problems.append(f"entry {index} is not a mapping")
            continue
        missing = [k for k in ENTRY_KEYS[1:] if k not in entry]
        unknown = sorted(set(entry) - set(ENTRY_KEYS))
        if missing or unknown:
            problems.append(f"entry {index}: missing {missing}, unknown {unknown}")
            continue
        why = str(entry["why"]).strip()
        if why.startswith(TODO) or len(why.split()) < 8:
            problems.append(f"entry {index}: `why` needs a reason (8 words or more): {why[:60]!r}")
    return problems


def hint(unexplained: list[Difference]) -> str:
    """The ledger entries that would explain ``unexplained``, as YAML under ``deviations:``.

    One entry per aspect and pair of values, naming exactly the operations and places found
    (places with the same operations share an entry).
    """
    groups: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    for d in unexplained:
        key = (d.aspect, json.dumps(d.upstream), json.dumps(d.ours))
        groups.setdefault(key, {}).setdefault(d.where, set()).add(d.operation)
    lines = []
    for (aspect, upstream, ours), places in groups.items():
        by_operations: dict[tuple[str, ...], list[str]] = {}
        for where, found_in in places.items():
            by_operations.setdefault(tuple(sorted(found_in)), []).append(where)
        for operations, wheres in by_operations.items():
            lines += [
                f"  - operation:{_yaml(list(operations))}",
                f"    where:{_yaml(wheres)}",
                f"    aspect: {json.dumps(aspect)}",
                f"    upstream: {upstream}",
                f"    ours: {ours}",
                f'    why: "{TODO}: why spec/ deliberately says this (a sentence or more)"',
            ]
    return "".join(f"{line}\n" for line in lines)


def _yaml(names: list[str]) -> str:
    """One name as a YAML scalar, several as a block list (JSON scalars are YAML too)."""
    if len(names) == 1:
        return f" {json.dumps(names[0])}"
    return "".join(f"\n      - {json.dumps(name)}" for name in names)


# --- Providers: what spec/ says of a provider other than Klarna, against `providers:` ---

#: The provider spec/ describes when it names none (servers, operations): the reference.
DEFAULT_PROVIDER = "klarna"
#: spec/'s extensions that describe providers.
OPERATION_PROVIDERS = "x-klarna-om-providers"
SERVER_PROVIDER = "x-klarna-om-provider"
SERVER_REGION = "x-klarna-om-region"
SERVER_PLAYGROUND = "x-klarna-om-playground"
PROVIDER_SCHEMA = "x-klarna-om-provider-schema"
#: The keys of a `providers:` entry; all but ``operation`` are required.
PROVIDER_KEYS = ("provider", "operation", "where", "aspect", "value", "source", "why")
#: The aspects of ``where: servers``.
SERVER_ASPECTS = ("production", "playground", "regions")


@dataclass(frozen=True)
class ProviderFact:
    """One thing spec/ says of a provider that it does not say of Klarna (or a ledger claims)."""

    provider: str
    operation: str | None
    where: str
    aspect: str
    value: Any

    def __str__(self) -> str:
        operation = f" {self.operation}" if self.operation else ""
        return f"{self.provider}{operation} {self.where} {self.aspect}: {_show(self.value)}"


def _operations(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Every operation of ``doc``: (operationId, path item, operation)."""
    return [
        (item[method]["operationId"], item, item[method])
        for item in doc["paths"].values()
        for method in METHODS
        if method in item
    ]


def _served_by(op: dict[str, Any]) -> list[str]:
    return list(op.get(OPERATION_PROVIDERS, [DEFAULT_PROVIDER]))


def spec_providers(doc: dict[str, Any]) -> list[str]:
    """The providers spec/ names besides Klarna (servers' and operations' extensions)."""
    named = [s.get(SERVER_PROVIDER) for s in doc.get("servers", [])]
    named += [p for _, _, op in _operations(doc) for p in _served_by(op)]
    found: list[str] = []
    for name in named:
        if name and name != DEFAULT_PROVIDER and name not in found:
            found.append(name)
    return found


def _servers(doc: dict[str, Any], provider: str, aspect: str) -> list[str]:
    mine = [s for s in doc.get("servers", []) if s.get(SERVER_PROVIDER) == provider]
    if aspect == "regions":
        return sorted({str(s[SERVER_REGION]) for s in mine if SERVER_REGION in s})
    playground = aspect == "playground"
    return sorted(s["url"] for s in mine if bool(s.get(SERVER_PLAYGROUND)) == playground)


def _schema_pointers(node: Any, pointer: str = "#") -> list[tuple[str, dict[str, Any]]]:
    """Every schema (not a parameter) that carries ``x-klarna-om-provider-schema``."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if PROVIDER_SCHEMA in node and not ("in" in node and "name" in node):
            found.append((pointer, node))
        for key, value in node.items():
            found += _schema_pointers(
                value, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
            )
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _schema_pointers(value, f"{pointer}/{index}")
    return found


def provider_facts(doc: dict[str, Any]) -> list[ProviderFact]:
    """What spec/ says of each provider besides Klarna, where it differs from Klarna's.

    The operations a provider serves and Klarna does not, or the reverse (``served``); a
    parameter's or schema's ``x-klarna-om-provider-schema`` (each keyword, in the operations
    the provider serves); and the provider's servers: production and playground hosts, and
    regions (always, as they are the provider's own).
    """
    found: list[ProviderFact] = []
    for provider in spec_providers(doc):
        for name, item, op in _operations(doc):
            served = _served_by(op)
            if (provider in served) != (DEFAULT_PROVIDER in served):
                found.append(
                    ProviderFact(provider, name, "operation", "served", provider in served)
                )
            if provider not in served:
                continue
            for key, param in _parameters(doc, item, op).items():
                for aspect, value in param.get(PROVIDER_SCHEMA, {}).get(provider, {}).items():
                    found.append(ProviderFact(provider, name, key, aspect, value))
        for pointer, schema in _schema_pointers(doc):
            for aspect, value in schema[PROVIDER_SCHEMA].get(provider, {}).items():
                found.append(ProviderFact(provider, None, pointer, aspect, value))
        for aspect in SERVER_ASPECTS:
            found.append(
                ProviderFact(provider, None, "servers", aspect, _servers(doc, provider, aspect))
            )
    return found


def _body_schema(doc: dict[str, Any], op: dict[str, Any], where: str) -> tuple[Any, list[str]]:
    """The body schema a place starts from, and the rest of the place (None: not a body)."""
    parts = where.split(".")
    if parts[:2] == ["request", "body"]:
        return _json_body(doc, op.get("requestBody")), parts[2:]
    if len(parts) >= 3 and parts[0] == "response" and parts[2] == "body":
        response = op.get("responses", {}).get(parts[1])
        return (None if response is None else _json_body(doc, response)), parts[3:]
    return None, []


_MISSING = object()


def _at(doc: dict[str, Any], op: dict[str, Any], where: str) -> tuple[Any, Any, str]:
    """The schema at a body place, its parent object schema and its name (_MISSING: none)."""
    root, rest = _body_schema(doc, op, where)
    if root is None:
        return _MISSING, None, ""
    node, parent, name = _normalized(doc, root), None, ""
    for part in rest:
        name = part.removesuffix("[]") if part.endswith("[]") else part
        properties = node.get("properties", {})
        if name not in properties:
            return _MISSING, None, ""
        parent, node = node, _normalized(doc, properties[name])
        for _ in range(part.count("[]")):
            node = _normalized(doc, node.get("items"))
    return node, parent, name


def _shown(
    doc: dict[str, Any], provider: str, operation: str | None, where: str, aspect: str
) -> Any:
    """What spec/ says of ``provider`` at a place (_MISSING: spec/ has no such place)."""
    if where == "servers":
        return _servers(doc, provider, aspect) if aspect in SERVER_ASPECTS else _MISSING
    if where.startswith("#"):
        node: Any = doc
        for part in where.lstrip("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node.get(part, {})
        override = node.get(PROVIDER_SCHEMA, {}).get(provider, {}) if node else {}
        return override.get(aspect, node.get(aspect, ABSENT)) if node else _MISSING
    ops = {name: (item, op) for name, item, op in _operations(doc)}
    if operation not in ops:
        return _MISSING
    item, op = ops[operation]
    if where == "operation":
        return provider in _served_by(op) if aspect == "served" else _MISSING
    if where.startswith("parameter."):
        param = _parameters(doc, item, op).get(where)
        if param is None:
            return _MISSING
        if aspect == "required":
            return bool(param.get("required"))
        override = param.get(PROVIDER_SCHEMA, {}).get(provider, {})
        return override.get(aspect, _normalized(doc, param.get("schema")).get(aspect, ABSENT))
    node, parent, name = _at(doc, op, where)
    if node is _MISSING:
        return _MISSING
    if aspect == "required":
        return parent is not None and name in parent.get("required", [])
    override = node.get(PROVIDER_SCHEMA, {}).get(provider, {})
    return override.get(aspect, node.get(aspect, ABSENT))


def _provider_places(doc: dict[str, Any], entry: dict[str, Any]) -> list[ProviderFact]:
    """The (operation, place, aspect) an entry names, each with the value spec/ shows there.

    Without ``operation``, a place in operations (parameters, bodies) names every operation
    the provider serves that has it; ``operation: served`` names every operation.
    """
    provider = entry["provider"]
    places: list[ProviderFact] = []
    for where in _names(entry["where"]):
        for aspect in _names(entry["aspect"]):
            if "operation" in entry:
                operations: list[str | None] = list(_names(entry["operation"]))
            elif where == "servers" or where.startswith("#"):
                operations = [None]
            else:
                operations = [
                    name
                    for name, _, op in _operations(doc)
                    if (where == "operation" or provider in _served_by(op))
                    and _shown(doc, provider, name, where, aspect) is not _MISSING
                ]
            for operation in operations or [None]:
                value = _shown(doc, provider, operation, where, aspect)
                places.append(ProviderFact(provider, operation, where, aspect, value))
    return places


def _provider_explains(entry: dict[str, Any], fact: ProviderFact) -> bool:
    if entry["provider"] != fact.provider:
        return False
    if "operation" in entry and fact.operation not in _names(entry["operation"]):
        return False
    if fact.where not in _names(entry["where"]) or fact.aspect not in _names(entry["aspect"]):
        return False
    return _same_value(entry["value"], fact.value)


def _same_value(entry_value: Any, value: Any) -> bool:
    if isinstance(entry_value, list) and isinstance(value, list):
        return _values(entry_value) == _values(value)
    return bool(entry_value == value) and type(entry_value) is type(value)


def provider_problems(entries: Any) -> list[str]:
    """What makes the `providers:` section unusable (its keys, sources and reasons)."""
    if not isinstance(entries, list):
        return ["`providers` is not a list"]
    problems = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(f"providers entry {index} is not a mapping")
            continue
        missing = [k for k in PROVIDER_KEYS if k != "operation" and k not in entry]
        unknown = sorted(set(entry) - set(PROVIDER_KEYS))
        if missing or unknown:
            problems.append(f"providers entry {index}: missing {missing}, unknown {unknown}")
            continue
        sources = _names(entry["source"])
        if not sources or not all(str(s).startswith("https://") for s in sources):
            problems.append(
                f"providers entry {index}: `source` needs the provider's page(s) (https://…): "
                f"{str(entry['source'])[:60]!r}"
            )
        why = str(entry["why"]).strip()
        if why.startswith(TODO) or len(why.split()) < 8:
            problems.append(
                f"providers entry {index}: `why` needs a reason (8 words or more): {why[:60]!r}"
            )
    return problems


@dataclass(frozen=True)
class Unshown:
    """A ledger fact spec/ does not show: the entry, the place and what spec/ shows there."""

    index: int
    claimed: Any
    shown: ProviderFact

    def __str__(self) -> str:
        operation = f" {self.shown.operation}" if self.shown.operation else ""
        spec = "no such place" if self.shown.value is _MISSING else _show(self.shown.value)
        return (
            f"{self.shown.provider}{operation} {self.shown.where} {self.shown.aspect}: "
            f"ledger (providers entry {self.index}) {_show(self.claimed)}, spec/ {spec}"
        )


def check_providers(
    doc: dict[str, Any],
    entries: list[dict[str, Any]],
    deviations: list[dict[str, Any]],
    newest_stem: str,
) -> tuple[list[ProviderFact], list[Unshown]]:
    """The provider facts of spec/ no entry records, and the entries' facts spec/ does not show.

    A ledger fact at a schema place that spec/ does not narrow for the provider is shown when
    it is Klarna's value there: ours, or the newest copy's value where a `deviations:` entry
    explains ours (the provider documents what Klarna does, and we deviate from both).
    """
    unrecorded = [
        fact
        for fact in provider_facts(doc)
        if not any(_provider_explains(entry, fact) for entry in entries)
    ]
    unshown: list[Unshown] = []
    for index, entry in enumerate(entries):
        for place in _provider_places(doc, entry):
            if place.value is not _MISSING and _same_value(entry["value"], place.value):
                continue
            if place.value is not _MISSING and place.operation is not None:
                as_klarna = Difference(
                    place.operation, place.where, place.aspect, entry["value"], place.value
                )
                if any(explains(d, as_klarna, newest_stem) for d in deviations):
                    continue
            unshown.append(Unshown(index, entry["value"], place))
    return unrecorded, unshown


def provider_hint(facts: list[ProviderFact]) -> str:
    """The `providers:` entries that would record ``facts`` (operations sharing a fact merge)."""
    groups: dict[tuple[str, str, str, str], list[str | None]] = {}
    for fact in facts:
        key = (fact.provider, fact.where, fact.aspect, json.dumps(fact.value))
        groups.setdefault(key, []).append(fact.operation)
    lines = []
    for (provider, where, aspect, value), operations in groups.items():
        lines.append(f"  - provider: {json.dumps(provider)}")
        named = sorted({o for o in operations if o is not None})
        if named:
            lines.append(f"    operation:{_yaml(named)}")
        lines += [
            f"    where: {json.dumps(where)}",
            f"    aspect: {json.dumps(aspect)}",
            f"    value: {value}",
            f'    source: "{TODO}: the page of {provider} that documents this (https://…)"',
            f'    why: "{TODO}: what {provider} documents here and why spec/ says it"',
        ]
    return "".join(f"{line}\n" for line in lines)


def load_providers(path: Path = LEDGER) -> Any:
    """The ledger's `providers:` entries (unchecked: see provider_problems)."""
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("providers", [])


def report_providers(
    doc: dict[str, Any],
    ledger_path: Path,
    deviations: list[dict[str, Any]],
    newest_stem: str,
) -> int:
    """Print the provider check (one summary line per provider, then what is wrong); 0 or 1."""
    entries = load_providers(ledger_path)
    problems = provider_problems(entries)
    if problems:
        for problem in problems:
            print(f"upstream-diff: {ledger_path.name}: {problem}")
        return 1
    unrecorded, unshown = check_providers(doc, entries, deviations, newest_stem)
    facts = provider_facts(doc)
    for provider in spec_providers(doc):
        mine = [f for f in facts if f.provider == provider]
        missing = [f for f in unrecorded if f.provider == provider]
        wrong = [u for u in unshown if u.shown.provider == provider]
        claimed = sum(len(_provider_places(doc, e)) for e in entries if e["provider"] == provider)
        print(
            f"upstream-diff: provider {provider}: {len(mine)} differences from Klarna in spec/, "
            f"{len(mine) - len(missing)} recorded in {ledger_path.name} (`providers:`), "
            f"{len(missing)} not; {claimed} facts recorded there, {len(wrong)} not shown by spec/"
        )
        for fact in missing:
            print(f"  {fact}: in spec/, not in the ledger")
        for bad in wrong:
            print(f"  {bad}")
    strays = [u for u in unshown if u.shown.provider not in spec_providers(doc)]
    for bad in strays:
        print(
            f"upstream-diff: {ledger_path.name}: provider {bad.shown.provider} is not in "
            f"spec/: {bad}"
        )
    if not unrecorded and not unshown:
        return 0
    paste = [*unrecorded, *(u.shown for u in unshown if u.shown.value is not _MISSING)]
    print(
        "\nupstream-diff: record what spec/ says of each provider in the ledger (under "
        "`providers:`, replacing an entry spec/ no longer shows), with its source and reason:\n"
    )
    print(provider_hint(paste), end="")
    return 1


def upstream_files() -> list[Path]:
    """The vendored copies of Klarna's definition."""
    return sorted(p for p in UPSTREAM_DIR.iterdir() if p.suffix in (".json", ".yml", ".yaml"))


def copy_date(path: Path) -> tuple[int, ...]:
    """The date a copy's name ends with (``...-2024-01`` is (2024, 1)); none reads as newest."""
    found = re.search(r"(?<!\d)(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", path.stem)
    if found is None:
        return (sys.maxsize,)
    return tuple(int(part) for part in found.groups() if part is not None)


def load_ledger(path: Path = LEDGER) -> list[dict[str, Any]]:
    """The ledger's entries (unchecked: see ledger_problems)."""
    entries: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["deviations"]
    return entries


def main(argv: list[str], ledger_path: Path = LEDGER, spec_path: Path = SPEC) -> int:
    """Print the unexplained differences for each upstream file; the exit code is the verdict.

    With the defaults (no file given), also the providers: spec/'s provider extensions
    against the ledger's `providers:` section (see check_providers).
    """
    ours = load(spec_path)
    ledger = load_ledger(ledger_path)
    problems = ledger_problems(ledger)
    if problems:
        for problem in problems:
            print(f"upstream-diff: {ledger_path.name}: {problem}")
        return 1
    given = [Path(a) for a in argv]
    files = given or upstream_files()
    known = [*upstream_files(), *given]
    newest = max(copy_date(p) for p in known)
    newest_names = ", ".join(sorted({p.name for p in known if copy_date(p) >= newest}))
    used: dict[int, set[str]] = {}
    unexplained: list[Difference] = []
    for path in files:
        differences = compare(ours, load(path))
        is_newest = copy_date(path) >= newest
        judged = [d for d in differences if is_newest or not d.is_addition]
        not_here = []
        for difference in judged:
            matched = [i for i, e in enumerate(ledger) if explains(e, difference, path.stem)]
            for i in matched:
                used.setdefault(i, set()).update(_used(ledger[i], difference, path.stem))
            if not matched:
                not_here.append(difference)
        additions = (
            ""
            if is_newest
            else f" (and {len(differences) - len(judged)} additions of ours, judged against the "
            f"newest copy only: {newest_names})"
        )
        print(
            f"upstream-diff: {path.name}: {len(judged)} differences{additions}, "
            f"{len(judged) - len(not_here)} explained by {ledger_path.name}, {len(not_here)} not"
        )
        for difference in not_here:
            print(f"  {difference}")
        unexplained += [d for d in not_here if d not in unexplained]
    status = 1 if unexplained else 0
    if not argv:
        for index, entry in enumerate(ledger):
            for name in sorted(_named(entry) - used.get(index, set())):
                print(f"upstream-diff: {ledger_path.name}: entry {index}: {name} explains nothing")
                status = 1
    if unexplained:
        print(
            "\nupstream-diff: change spec/ to say what Klarna says, or add to the ledger (under "
            "`deviations:`), each with its reason in `why`:\n"
        )
        print(hint(unexplained), end="")
    if not argv:
        newest_stem = max(upstream_files(), key=copy_date).stem
        status = max(status, report_providers(ours, ledger_path, ledger, newest_stem))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
