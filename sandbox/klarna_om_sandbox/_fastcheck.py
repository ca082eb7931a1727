"""A compiled fast path for request validation: valid requests pass in microseconds.

Exists because openapi-core resolves the spec lazily on every request (about 5 ms each), which
capped the sandbox near 200 refunds per second. Here, each operation's request-body schema is
resolved once, from spec/, and compiled into the same validator openapi-core uses
(``OAS30WriteValidator`` with the OAS 3.0 format checker). A request passes the fast path only
when the spec gives the operation nothing else to check: parameters that are plain strings (the
router already found them), a JSON body of the declared media type, or no body when none is
declared. Anything else, and every request the fast path finds invalid, goes to openapi-core,
which decides and words the error as before. With ``KLARNA_OM_SANDBOX_CROSSCHECK=1`` (the
project's tests set it), every request is also checked by openapi-core and a disagreement is a
500: the fast path can never let through what openapi-core refuses.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import attrs
from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker

from ._spec import HTTP_METHODS, load_spec

CROSSCHECK = "KLARNA_OM_SANDBOX_CROSSCHECK"


@attrs.frozen
class FastOperation:
    """What the fast path needs of one operation: its body validator, or why it has none."""

    body_required: bool
    body_validator: Any | None
    media_type: str | None


def _resolved(spec: dict[str, Any], node: Any) -> Any:
    """``node`` with every local ``$ref`` inlined (the spec has no recursive schema)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = spec
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _resolved(spec, target)
        return {key: _resolved(spec, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(spec, value) for value in node]
    return node


def _plain_string(parameter: dict[str, Any]) -> bool:
    schema = parameter.get("schema") or {}
    extra = set(schema) - {"type", "description", "example"}
    if parameter.get("in") == "path":
        return schema.get("type") == "string" and not extra
    return not parameter.get("required") and schema.get("type") == "string" and not extra


@cache
def fast_operations() -> dict[str, FastOperation]:
    """The operations the fast path may decide, by operationId."""
    spec = load_spec()
    found = {}
    for item in spec["paths"].values():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            parameters = [_resolved(spec, p) for p in [*shared, *op.get("parameters", [])]]
            if not all(_plain_string(p) for p in parameters):
                continue  # something openapi-core must check: no fast path
            body = _resolved(spec, op.get("requestBody")) if "requestBody" in op else None
            if body is None:
                found[op["operationId"]] = FastOperation(False, None, None)
                continue
            content = body.get("content", {})
            if list(content) != ["application/json"]:
                continue
            validator = OAS30WriteValidator(
                content["application/json"]["schema"], format_checker=oas30_format_checker
            )
            found[op["operationId"]] = FastOperation(
                bool(body.get("required")), validator, "application/json"
            )
    return found


def passes(operation: str, content_type: str | None, body: bytes, data: Any) -> bool:
    """True when the request is certainly valid; False means: ask openapi-core."""
    fast = fast_operations().get(operation)
    if fast is None:
        return False
    if fast.body_validator is None:
        return not body
    if not body:
        return False
    # Exactly the media type, no parameters: openapi-core parses parameters its own way (and
    # fails on some), so anything else is its to decide.
    media = (content_type or "").strip().lower()
    return media == fast.media_type and bool(fast.body_validator.is_valid(data))


def crosschecking() -> bool:
    """Whether every request is also checked by openapi-core (the project's tests)."""
    return os.environ.get(CROSSCHECK) == "1"
