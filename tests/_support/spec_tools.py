"""Helpers to read spec/ in tests: load it, resolve local $refs, find and validate its examples."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "klarna-ordermanagement.yaml"
SPEC_URI = "urn:klarna-om:spec"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@cache
def load_spec() -> dict[str, Any]:
    """The spec as plain data (cached: tests must not mutate it)."""
    with SPEC_PATH.open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow a local `$ref` (repeatedly) and return the node it points at."""
    while isinstance(node, dict) and "$ref" in node:
        node = pointer_get(spec, node["$ref"].removeprefix("#"))
    return node


def pointer_get(doc: Any, pointer: str) -> Any:
    """Return the node of `doc` at a JSON pointer such as `/components/schemas/Refund`."""
    for raw in pointer.strip("/").split("/") if pointer.strip("/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def validator_for(spec: dict[str, Any], schema_pointer: str) -> OAS30Validator:
    """A format-checking OpenAPI 3.0 validator for the schema at `schema_pointer` in `spec`."""
    registry: Registry[Any] = Registry().with_resource(
        SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT4)
    )
    return OAS30Validator(
        {"$ref": f"{SPEC_URI}#{schema_pointer}"},
        registry=registry,
        format_checker=oas30_format_checker,
    )


def iter_examples(spec: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """Yield (where, schema pointer, example value) for every example in the spec.

    Covers media-type `example`/`examples`, parameter and header examples, and schema-level
    examples (each property's `example` against that property's schema).
    """

    def walk(node: Any, pointer: str) -> Iterator[tuple[str, str, Any]]:
        if isinstance(node, dict):
            if "$ref" in node:
                return
            schema_ptr = f"{pointer}/schema" if "schema" in node else None
            is_schema = pointer.startswith("/components/schemas") or "/schema" in pointer
            if schema_ptr is None and is_schema and "example" in node:
                schema_ptr = pointer
            if schema_ptr is not None:
                if "example" in node:
                    yield f"{pointer}/example", schema_ptr, node["example"]
                for name, ex in (node.get("examples") or {}).items():
                    ex = resolve(spec, ex)
                    yield f"{pointer}/examples/{name}", schema_ptr, ex["value"]
            for key, value in node.items():
                if key in ("example", "examples"):
                    continue
                yield from walk(value, f"{pointer}/{_escape(str(key))}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{pointer}/{i}")

    yield from walk(spec, "")


def operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Map operationId to (method, path, operation object)."""
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                op = item[method]
                found[op["operationId"]] = (method, path, op)
    return found


def header_parameters(spec: dict[str, Any], op: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The operation's header parameters by name, $refs resolved."""
    params = (resolve(spec, p) for p in op.get("parameters", []))
    return {p["name"]: p for p in params if p["in"] == "header"}
