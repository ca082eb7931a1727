"""spec/deviations.yaml is true of both files: each listed value is ours and Klarna's differs.

And nothing else drifts silently: every integer bound of the request schemas that differs from
Klarna's 2026 definition must be listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests._support.spec_tools import load_spec, pointer_get

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT / "spec" / "upstream" / "klarna-om-openapi-2026.yml"
#: Request schemas whose bounds the client enforces before sending: ours -> Klarna's name.
REQUEST_SCHEMAS = {
    "RefundObject": "RefundObject",
    "OrderLine": "order_line",
    "ExtendDueDateRequest": "ExtendDueDateRequest",
}


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


DEVIATIONS: list[dict[str, Any]] = _load(ROOT / "spec" / "deviations.yaml")["deviations"]


@pytest.mark.parametrize("entry", DEVIATIONS, ids=[d["pointer"] for d in DEVIATIONS])
def test_each_listed_deviation_holds(entry: dict[str, Any]) -> None:
    upstream = _load(UPSTREAM)
    ours = pointer_get(load_spec(), entry["pointer"])
    theirs = pointer_get(upstream, entry.get("upstream_pointer", entry["pointer"]))
    assert (ours, theirs) == (entry["ours"], entry["upstream"])
    assert ours != theirs
    assert len(entry["why"].split()) >= 10, "say why"


def _bounds(doc: dict[str, Any], schema: str, ours: str) -> dict[str, Any]:
    props = doc["components"]["schemas"][schema]["properties"]
    return {
        f"/components/schemas/{ours}/properties/{name}/{key}": prop[key]
        for name, prop in props.items()
        for key in ("minimum", "maximum")
        if key in prop
    }


def test_every_request_bound_that_differs_from_klarnas_is_listed() -> None:
    upstream = _load(UPSTREAM)
    spec = load_spec()
    listed = {d["pointer"] for d in DEVIATIONS}
    differing = set()
    for schema, upstream_name in REQUEST_SCHEMAS.items():
        ours, theirs = _bounds(spec, schema, schema), _bounds(upstream, upstream_name, schema)
        differing |= {p for p in ours.keys() | theirs.keys() if ours.get(p) != theirs.get(p)}
    assert sorted(differing - listed) == []
