"""Write spec/'s vendor extensions as a Jinja module for the templates (scripts/generate.sh).

openapi-python-client passes templates no ``x-`` extension, so ``generate.sh`` runs this and puts
its output, ``spec_facts.jinja``, next to the templates. It sets:

- ``operation_providers``: operationId -> the providers that serve it (``x-klarna-om-providers``
  on the operation), in the spec's order.
- ``servers``: each server of ``servers`` as ``{url, description, provider, region,
  playground}`` (``x-klarna-om-provider``, ``x-klarna-om-region`` or "", and
  ``x-klarna-om-playground``).
- ``providers``: every provider a server or an operation names, in order of first mention.

Usage: python scripts/spec_facts.py SPEC > spec_facts.jinja
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "patch")
PROVIDERS = "x-klarna-om-providers"


def facts(spec: dict[str, Any]) -> dict[str, Any]:
    """The facts, from the spec as data; raise ValueError where an extension is missing."""
    operation_providers: dict[str, list[str]] = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            named = operation.get(PROVIDERS)
            if not named or not all(isinstance(p, str) for p in named):
                raise ValueError(f"{method.upper()} {path}: no {PROVIDERS} list")
            operation_providers[operation["operationId"]] = list(named)
    servers = []
    for server in spec.get("servers", []):
        if "x-klarna-om-provider" not in server:
            raise ValueError(f"server {server['url']}: no x-klarna-om-provider")
        servers.append(
            {
                "url": server["url"],
                "description": server.get("description", ""),
                "provider": server["x-klarna-om-provider"],
                "region": server.get("x-klarna-om-region", ""),
                "playground": bool(server.get("x-klarna-om-playground", False)),
            }
        )
    providers: list[str] = []
    named = [s["provider"] for s in servers]
    named += [p for served in operation_providers.values() for p in served]
    for name in named:
        if name not in providers:
            providers.append(name)
    return {
        "operation_providers": operation_providers,
        "servers": servers,
        "providers": providers,
    }


def main(argv: list[str]) -> int:
    spec = yaml.safe_load(Path(argv[1]).read_text(encoding="utf-8"))
    lines = ["{#- written by scripts/spec_facts.py from spec/ by scripts/generate.sh -#}"]
    for name, value in facts(spec).items():
        # JSON's strings, numbers, lists, objects, true and false are Jinja literals too; the
        # facts hold no null.
        lines.append(f"{{% set {name} = {json.dumps(value)} %}}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
