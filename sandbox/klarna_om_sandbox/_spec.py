"""Loads spec/ for request validation and words its errors: the sandbox checks requests by spec/.

The spec travels inside the wheel (``klarna_om_sandbox/spec/``); in a checkout it is read from
the repository's ``spec/``. The servers list is replaced by ``/`` so any host validates.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_core import OpenAPI

SPEC_NAME = "klarna-ordermanagement.yaml"


def spec_path() -> Path:
    """Where the spec is: inside the installed package, else the checkout's spec/ folder."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "spec" / SPEC_NAME, here.parents[1] / "spec" / SPEC_NAME):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SPEC_NAME} is neither in the package nor in the checkout")


@cache
def load_spec() -> dict[str, Any]:
    """The spec as data, with ``servers`` replaced by ``/`` (cached, do not mutate)."""
    with spec_path().open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    data["servers"] = [{"url": "/"}]
    return data


@cache
def openapi() -> OpenAPI:
    """The openapi-core object that validates requests against the spec."""
    return OpenAPI.from_dict(load_spec())


HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@cache
def spec_operations() -> dict[str, tuple[str, str]]:
    """Every operation of the spec: operationId -> (method, path)."""
    found: dict[str, tuple[str, str]] = {}
    for path, item in load_spec()["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                found[item[method]["operationId"]] = (method, path)
    return found


#: The provider an operation without ``x-klarna-om-providers`` is served by.
DEFAULT_PROVIDER = "klarna"


@cache
def operation_providers() -> dict[str, tuple[str, ...]]:
    """Who serves each operation: operationId -> spec/'s ``x-klarna-om-providers``."""
    found: dict[str, tuple[str, ...]] = {}
    for item in load_spec()["paths"].values():
        for method in HTTP_METHODS:
            if method in item:
                op = item[method]
                named = op.get("x-klarna-om-providers", [DEFAULT_PROVIDER])
                found[op["operationId"]] = tuple(named)
    return found


@cache
def providers() -> tuple[str, ...]:
    """Every provider spec/ names (servers' ``x-klarna-om-provider``, operations'), Klarna first."""
    names = [DEFAULT_PROVIDER]
    spec = load_spec_as_written()
    for name in [s.get("x-klarna-om-provider") for s in spec.get("servers", [])] + [
        p for served in operation_providers().values() for p in served
    ]:
        if name and name not in names:
            names.append(name)
    return tuple(names)


@cache
def provider_path_formats(provider: str) -> dict[str, str]:
    """The path parameters whose format ``provider`` narrows (``x-klarna-om-provider-schema``).

    Returns:
        Parameter name -> format (``{"order_id": "uuid"}`` for Kustom).
    """
    spec = load_spec()
    params = list(spec.get("components", {}).get("parameters", {}).values())
    for item in spec["paths"].values():
        for method in HTTP_METHODS:
            params += [p for p in item.get(method, {}).get("parameters", []) if "$ref" not in p]
    found: dict[str, str] = {}
    for param in params:
        narrowed = param.get("x-klarna-om-provider-schema", {}).get(provider, {})
        if param.get("in") == "path" and "format" in narrowed:
            found[param["name"]] = narrowed["format"]
    return found


@cache
def load_spec_as_written() -> dict[str, Any]:
    """The spec as data, its servers kept (cached, do not mutate)."""
    with spec_path().open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


_REQUIRED = re.compile(r"'(.+)' is a required property")


def describe_error(error: Exception) -> str:
    """'Bad value: <field>' for an openapi-core validation error."""
    name = getattr(error, "name", None)  # parameter errors
    if isinstance(name, str):
        return f"Bad value: {name}"
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None)
    if not schema_errors:
        return (
            "Bad value: request body"
            if "Body" in type(error).__name__
            else f"Bad value: {type(error).__name__}"
        )
    first = min(schema_errors, key=lambda e: len(e.path))
    parts = [str(p) for p in first.path]
    missing = _REQUIRED.match(first.message)
    if first.validator == "required" and missing:
        parts.append(missing.group(1))
    field = ""
    for part in parts:
        field += f"[{part}]" if part.isdigit() else (f".{part}" if field else part)
    return f"Bad value: {field or 'request body'}"
