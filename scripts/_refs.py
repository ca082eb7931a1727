"""Following local ``$ref``s in an OpenAPI document, for spec_gate.py and the upstream diff."""

from __future__ import annotations

from typing import Any

SCHEMAS = "#/components/schemas/"


def follow_ref(doc: Any, node: Any) -> tuple[Any, str | None]:
    """``node`` with its local ``$ref``s followed, and the last component schema entered.

    A missing target reads as ``{}``; a chain of more than 50 references stops there.
    """
    name = None
    for _ in range(50):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str):
            break
        if ref.startswith(SCHEMAS):
            name = ref.rsplit("/", 1)[1]
        node = doc
        for part in ref.lstrip("#/").split("/"):
            node = node.get(part.replace("~1", "/").replace("~0", "~"), {})
    return node, name
