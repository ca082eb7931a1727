"""The provider check of upstream_diff.py: spec/'s provider facts against the ledger's `providers:`.

Exists so that every fact spec/ states of a provider has an entry with its source, and every
entry is still shown by spec/. It must never change spec/ or the ledger; it only reads and prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from _upstream_compare import Difference, show, values
from _upstream_hint import provider_hint
from _upstream_ledger import TODO, explains, names
from _upstream_load import LEDGER
from _upstream_provider_facts import (
    MISSING,
    ProviderFact,
    provider_facts,
    provider_places,
    spec_providers,
)

#: The keys of a `providers:` entry; all but ``operation`` are required.
PROVIDER_KEYS = ("provider", "operation", "where", "aspect", "value", "source", "why")


def _provider_explains(entry: dict[str, Any], fact: ProviderFact) -> bool:
    if entry["provider"] != fact.provider:
        return False
    if "operation" in entry and fact.operation not in names(entry["operation"]):
        return False
    if fact.where not in names(entry["where"]) or fact.aspect not in names(entry["aspect"]):
        return False
    return _same_value(entry["value"], fact.value)


def _same_value(entry_value: Any, value: Any) -> bool:
    if isinstance(entry_value, list) and isinstance(value, list):
        return values(entry_value) == values(value)
    return bool(entry_value == value) and type(entry_value) is type(value)


def provider_problems(entries: Any) -> list[str]:
    """What makes the `providers:` section unusable (its keys, sources and reasons)."""
    if not isinstance(entries, list):
        return ["`providers` is not a list"]
    problems = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(f"providers entry {index} is not a mapping")
            continue
        missing = [k for k in PROVIDER_KEYS if k != "operation" and k not in entry]
        unknown = sorted(set(entry) - set(PROVIDER_KEYS))
        if missing or unknown:
            problems.append(f"providers entry {index}: missing {missing}, unknown {unknown}")
            continue
        sources = names(entry["source"])
        if not sources or not all(str(s).startswith("https://") for s in sources):
            problems.append(
                f"providers entry {index}: `source` needs the provider's page(s) (https://…): "
                f"{str(entry['source'])[:60]!r}"
            )
        why = str(entry["why"]).strip()
        if why.startswith(TODO) or len(why.split()) < 8:
            problems.append(
                f"providers entry {index}: `why` needs a reason (8 words or more): {why[:60]!r}"
            )
    return problems


@dataclass(frozen=True)
class Unshown:
    """A ledger fact spec/ does not show: the entry, the place and what spec/ shows there."""

    index: int
    claimed: Any
    shown: ProviderFact

    def __str__(self) -> str:
        operation = f" {self.shown.operation}" if self.shown.operation else ""
        spec = "no such place" if self.shown.value is MISSING else show(self.shown.value)
        return (
            f"{self.shown.provider}{operation} {self.shown.where} {self.shown.aspect}: "
            f"ledger (providers entry {self.index}) {show(self.claimed)}, spec/ {spec}"
        )


def check_providers(
    doc: dict[str, Any],
    entries: list[dict[str, Any]],
    deviations: list[dict[str, Any]],
    newest_stem: str,
) -> tuple[list[ProviderFact], list[Unshown]]:
    """The provider facts of spec/ no entry records, and the entries' facts spec/ does not show.

    A ledger fact at a schema place that spec/ does not narrow for the provider is shown when
    it is Klarna's value there: ours, or the newest copy's value where a `deviations:` entry
    explains ours (the provider documents what Klarna does, and we deviate from both).
    """
    unrecorded = [
        fact
        for fact in provider_facts(doc)
        if not any(_provider_explains(entry, fact) for entry in entries)
    ]
    unshown: list[Unshown] = []
    for index, entry in enumerate(entries):
        for place in provider_places(doc, entry):
            if place.value is not MISSING and _same_value(entry["value"], place.value):
                continue
            if place.value is not MISSING and place.operation is not None:
                as_klarna = Difference(
                    place.operation, place.where, place.aspect, entry["value"], place.value
                )
                if any(explains(d, as_klarna, newest_stem) for d in deviations):
                    continue
            unshown.append(Unshown(index, entry["value"], place))
    return unrecorded, unshown


def load_providers(path: Path = LEDGER) -> Any:
    """The ledger's `providers:` entries (unchecked: see provider_problems)."""
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("providers", [])


def report_providers(
    doc: dict[str, Any],
    ledger_path: Path,
    deviations: list[dict[str, Any]],
    newest_stem: str,
) -> int:
    """Print the provider check (one summary line per provider, then what is wrong); 0 or 1."""
    entries = load_providers(ledger_path)
    problems = provider_problems(entries)
    if problems:
        for problem in problems:
            print(f"upstream-diff: {ledger_path.name}: {problem}")
        return 1
    unrecorded, unshown = check_providers(doc, entries, deviations, newest_stem)
    facts = provider_facts(doc)
    for provider in spec_providers(doc):
        mine = [f for f in facts if f.provider == provider]
        missing = [f for f in unrecorded if f.provider == provider]
        wrong = [u for u in unshown if u.shown.provider == provider]
        claimed = sum(len(provider_places(doc, e)) for e in entries if e["provider"] == provider)
        print(
            f"upstream-diff: provider {provider}: {len(mine)} differences from Klarna in spec/, "
            f"{len(mine) - len(missing)} recorded in {ledger_path.name} (`providers:`), "
            f"{len(missing)} not; {claimed} facts recorded there, {len(wrong)} not shown by spec/"
        )
        for fact in missing:
            print(f"  {fact}: in spec/, not in the ledger")
        for bad in wrong:
            print(f"  {bad}")
    strays = [u for u in unshown if u.shown.provider not in spec_providers(doc)]
    for bad in strays:
        print(
            f"upstream-diff: {ledger_path.name}: provider {bad.shown.provider} is not in "
            f"spec/: {bad}"
        )
    if not unrecorded and not unshown:
        return 0
    paste = [*unrecorded, *(u.shown for u in unshown if u.shown.value is not MISSING)]
    print(
        "\nupstream-diff: record what spec/ says of each provider in the ledger (under "
        "`providers:`, replacing an entry spec/ no longer shows), with its source and reason:\n"
    )
    print(provider_hint(paste), end="")
    return 1
