"""What spec/ says of each provider besides Klarna, read from its ``x-klarna-om-*`` extensions.

Exists so that the provider check (``_upstream_providers``) compares facts, not extensions: the
facts spec/ states, and what spec/ shows where an entry points. It never weighs a ledger value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from _upstream_compare import ABSENT, show
from _upstream_ledger import names
from _upstream_load import METHODS, json_body, normalized, parameters

#: The provider spec/ describes when it names none (servers, operations): the reference.
DEFAULT_PROVIDER = "klarna"
#: spec/'s extensions that describe providers.
OPERATION_PROVIDERS = "x-klarna-om-providers"
SERVER_PROVIDER = "x-klarna-om-provider"
SERVER_REGION = "x-klarna-om-region"
SERVER_PLAYGROUND = "x-klarna-om-playground"
PROVIDER_SCHEMA = "x-klarna-om-provider-schema"
#: The aspects of ``where: servers``.
SERVER_ASPECTS = ("production", "playground", "regions")
#: What spec/ shows at a place it does not have.
MISSING = object()


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
        return f"{self.provider}{operation} {self.where} {self.aspect}: {show(self.value)}"


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
            for key, param in parameters(doc, item, op).items():
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
        return json_body(doc, op.get("requestBody")), parts[2:]
    if len(parts) >= 3 and parts[0] == "response" and parts[2] == "body":
        response = op.get("responses", {}).get(parts[1])
        return (None if response is None else json_body(doc, response)), parts[3:]
    return None, []


def _at(doc: dict[str, Any], op: dict[str, Any], where: str) -> tuple[Any, Any, str]:
    """The schema at a body place, its parent object schema and its name (MISSING: none)."""
    root, rest = _body_schema(doc, op, where)
    if root is None:
        return MISSING, None, ""
    node, parent, name = normalized(doc, root), None, ""
    for part in rest:
        name = part.removesuffix("[]") if part.endswith("[]") else part
        properties = node.get("properties", {})
        if name not in properties:
            return MISSING, None, ""
        parent, node = node, normalized(doc, properties[name])
        for _ in range(part.count("[]")):
            node = normalized(doc, node.get("items"))
    return node, parent, name


def _shown(
    doc: dict[str, Any], provider: str, operation: str | None, where: str, aspect: str
) -> Any:
    """What spec/ says of ``provider`` at a place (MISSING: spec/ has no such place)."""
    if where == "servers":
        return _servers(doc, provider, aspect) if aspect in SERVER_ASPECTS else MISSING
    if where.startswith("#"):
        node: Any = doc
        for part in where.lstrip("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node.get(part, {})
        override = node.get(PROVIDER_SCHEMA, {}).get(provider, {}) if node else {}
        return override.get(aspect, node.get(aspect, ABSENT)) if node else MISSING
    ops = {name: (item, op) for name, item, op in _operations(doc)}
    if operation not in ops:
        return MISSING
    item, op = ops[operation]
    if where == "operation":
        return provider in _served_by(op) if aspect == "served" else MISSING
    if where.startswith("parameter."):
        param = parameters(doc, item, op).get(where)
        if param is None:
            return MISSING
        if aspect == "required":
            return bool(param.get("required"))
        override = param.get(PROVIDER_SCHEMA, {}).get(provider, {})
        return override.get(aspect, normalized(doc, param.get("schema")).get(aspect, ABSENT))
    node, parent, name = _at(doc, op, where)
    if node is MISSING:
        return MISSING
    if aspect == "required":
        return parent is not None and name in parent.get("required", [])
    override = node.get(PROVIDER_SCHEMA, {}).get(provider, {})
    return override.get(aspect, node.get(aspect, ABSENT))


def provider_places(doc: dict[str, Any], entry: dict[str, Any]) -> list[ProviderFact]:
    """The (operation, place, aspect) an entry names, each with the value spec/ shows there.

    Without ``operation``, a place in operations (parameters, bodies) names every operation
    the provider serves that has it; ``operation: served`` names every operation.
    """
    provider = entry["provider"]
    places: list[ProviderFact] = []
    for where in names(entry["where"]):
        for aspect in names(entry["aspect"]):
            if "operation" in entry:
                operations: list[str | None] = list(names(entry["operation"]))
            elif where == "servers" or where.startswith("#"):
                operations = [None]
            else:
                operations = [
                    name
                    for name, _, op in _operations(doc)
                    if (where == "operation" or provider in _served_by(op))
                    and _shown(doc, provider, name, where, aspect) is not MISSING
                ]
            for operation in operations or [None]:
                value = _shown(doc, provider, operation, where, aspect)
                places.append(ProviderFact(provider, operation, where, aspect, value))
    return places
