"""Reading the definitions for upstream_diff.py: where they are, their dates, normalised schemas.

Exists so that the comparisons and the provider check read spec/ and Klarna's copies one way
(refs followed, ``allOf`` merged, open enums as enum + open). It must never judge or print.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from _refs import follow_ref

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "klarna-ordermanagement.yaml"
LEDGER = ROOT / "spec" / "deviations.yaml"
UPSTREAM_DIR = ROOT / "spec" / "upstream"
METHODS = ("get", "put", "post", "delete", "patch")


def load(path: Path) -> dict[str, Any]:
    """A JSON or YAML document."""
    text = path.read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return data


def upstream_files() -> list[Path]:
    """The vendored copies of Klarna's definition."""
    return sorted(p for p in UPSTREAM_DIR.iterdir() if p.suffix in (".json", ".yml", ".yaml"))


def copy_date(path: Path) -> tuple[int, ...]:
    """The date a copy's name ends with (``...-2024-01`` is (2024, 1)); none reads as newest."""
    found = re.search(r"(?<!\d)(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", path.stem)
    if found is None:
        return (sys.maxsize,)
    return tuple(int(part) for part in found.groups() if part is not None)


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """``node`` with its local ``$ref``s followed."""
    return follow_ref(doc, node)[0]


def normalized(doc: dict[str, Any], schema: Any) -> dict[str, Any]:
    """A schema with refs followed, ``allOf`` merged and an open enum written as enum + open."""
    schema = resolve(doc, schema)
    if not isinstance(schema, dict):
        return {}
    out = {k: v for k, v in schema.items() if k not in ("allOf", "anyOf", "oneOf")}
    for part in schema.get("allOf", []):
        merged = normalized(doc, part)
        out = {
            **merged,
            **out,
            "properties": {**merged.get("properties", {}), **out.get("properties", {})},
        }
    alternatives: list[Any] = schema.get("anyOf") or schema.get("oneOf") or []
    members = [normalized(doc, m) for m in alternatives]
    enums = [m for m in members if "enum" in m]
    plain = [m for m in members if "enum" not in m and m.get("type") == "string"]
    if len(members) == 2 and len(enums) == 1 and len(plain) == 1:
        out = {**enums[0], **out, "open": True}
    elif members:
        out["anyOf"] = members
    return out


def template(path: str) -> str:
    """A path with every parameter name blanked (``/orders/{}``), to match paths by shape."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def parameters(doc: dict[str, Any], item: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    """An operation's parameters (its path item's too) by place: ``parameter.<in>.<name>``."""
    found = {}
    for param in [*item.get("parameters", []), *op.get("parameters", [])]:
        param = resolve(doc, param)
        name = param["name"].lower() if param["in"] == "header" else param["name"]
        found[f"parameter.{param['in']}.{name}"] = param
    return found


def json_body(doc: dict[str, Any], holder: Any) -> Any:
    """The JSON (else first) body schema of a request body or response (None: no body)."""
    content = (resolve(doc, holder) or {}).get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return None if media is None else media.get("schema")
