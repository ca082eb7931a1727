"""The "entry to paste" of upstream_diff.py: YAML for `deviations:` or `providers:` that records it.

Exists so that every unexplained difference or unrecorded provider fact comes with its entry.
It only formats: it must never decide what is explained, and its ``why`` always starts TODO.
"""

from __future__ import annotations

import json

from _upstream_compare import Difference
from _upstream_ledger import TODO
from _upstream_provider_facts import ProviderFact


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


def _yaml(names: list[str]) -> str:
    """One name as a YAML scalar, several as a block list (JSON scalars are YAML too)."""
    if len(names) == 1:
        return f" {json.dumps(names[0])}"
    return "".join(f"\n      - {json.dumps(name)}" for name in names)
