"""The ledger's `deviations:` for upstream_diff.py: loading, checking, which entry explains what.

Exists so that a ledger entry explains exactly what it names, nothing by pattern, in one place.
It must never print, and never look at spec/ or the upstream copies (it matches Differences).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from _upstream_compare import Difference, values
from _upstream_load import LEDGER

#: The keys of a ledger entry; all but ``operation`` are required.
ENTRY_KEYS = ("operation", "where", "aspect", "upstream", "ours", "why")
#: What the hint's ``why`` starts with; an entry that still says it is refused.
TODO = "TODO"


def load_ledger(path: Path = LEDGER) -> list[dict[str, Any]]:
    """The ledger's entries (unchecked: see ledger_problems)."""
    entries: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["deviations"]
    return entries


def names(value: str | list[str]) -> list[str]:
    """An entry's one name or list of names, as a list."""
    return [value] if isinstance(value, str) else list(value)


def _value_for(value: Any, stem: str) -> tuple[bool, Any]:
    """The value an entry gives for the copy ``stem``, and whether the entry keys it by copy."""
    if isinstance(value, dict):
        return True, value.get(stem, _NO_VALUE)
    return False, value


_NO_VALUE = object()


def _same(entry_value: Any, value: Any) -> bool:
    if isinstance(entry_value, list) and isinstance(value, tuple):
        return values(entry_value) == value
    return bool(entry_value == value)


def explains(entry: dict[str, Any], difference: Difference, stem: str) -> bool:
    """Whether a ledger entry explains a difference found against the upstream file ``stem``."""
    if "operation" in entry and difference.operation not in names(entry["operation"]):
        return False
    if difference.where not in names(entry["where"]):
        return False
    if difference.aspect not in names(entry["aspect"]):
        return False
    for side in ("upstream", "ours"):
        _, value = _value_for(entry[side], stem)
        if not _same(value, getattr(difference, side)):
            return False
    return True


def entry_names(entry: dict[str, Any]) -> set[str]:
    """Everything an entry names, each of which must explain some difference."""
    found = {f"where {w}" for w in names(entry["where"])}
    found |= {f"aspect {a}" for a in names(entry["aspect"])}
    found |= {f"operation {o}" for o in names(entry.get("operation", []))}
    for side in ("upstream", "ours"):
        if isinstance(entry[side], dict):
            found |= {f"{side} for {stem}" for stem in entry[side]}
    return found


def names_used(entry: dict[str, Any], difference: Difference, stem: str) -> set[str]:
    """What of ``entry_names(entry)`` explaining ``difference`` (against ``stem``) has used."""
    found = {f"where {difference.where}", f"aspect {difference.aspect}"}
    if "operation" in entry:
        found.add(f"operation {difference.operation}")
    for side in ("upstream", "ours"):
        if isinstance(entry[side], dict):
            found.add(f"{side} for {stem}")
    return found


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
