"""Compare spec/ with a definition Klarna published; print what the ledger does not explain.

Usage: python scripts/upstream_diff.py [UPSTREAM ...]   (`make upstream-diff [UPSTREAM=path]`)
Default: every vendored copy in spec/upstream/. Exit 1 if any difference is unexplained (or,
with the defaults, if a ledger entry names an operation, place, aspect or copy that differs
nowhere: the ledger must stay true), or if the ledger is malformed. Each unexplained difference
comes with the ledger entry that would explain it, as YAML to paste into spec/deviations.yaml
once it has a reason.

Our operations are found in the upstream file by method and path. For each one it compares the
operationId, the parameters (presence, required, type, format, bounds, enum), the request body,
the response codes, the response headers (presence, required, type) and the bodies, field by
field through ``$ref``s: presence, required, type, format, bounds (minimum, maximum, minLength,
maxLength, maxItems), enum values. Descriptions and examples are not compared. Klarna's open
enums in spec/ (``anyOf: [enum, string]``) compare as their enum plus ``open: true``; openness
is compared only where both sides list values (a plain string is open already).

A difference reads ``<operationId> <where> <aspect>: Klarna <value>, ours <value>``, where
``where`` is ``request.body.order_lines[].quantity``, ``response.200.body.refunds[].reference``,
``response.201.header.location``, ``parameter.header.klarna-idempotency-key`` or ``operation``.
Enum values compare as one difference per place, aspect ``enum values``: the values only
Klarna lists, and the values only we list (sorted lists).

Our additions (a difference where the upstream copy says nothing: an ``absent`` field,
parameter, header or response, no enum values, no bound) are judged against the newest copy
only, the one whose name carries the latest date (``klarna-om-openapi-2026-03.yml``; a name
without a date counts as newest, as a fresh download): an older copy that lacks what the newest
has is history, not a difference.

A ledger entry explains exactly what it names, nothing by pattern: ``where`` and ``aspect`` (a
string or a list), ``operation`` (likewise; omitted, every operation), and ``upstream`` and
``ours``, the whole values (a map from an upstream file's stem to a value when the copies
differ; a list of enum values in any order). A value Klarna removes or renames is therefore
always reported.

This file is the entry point; each part is a module of its own: ``_upstream_load`` (reading),
``_upstream_compare`` (the differences), ``_upstream_ledger`` (which entry explains what),
``_upstream_provider_facts`` and ``_upstream_providers`` (the provider check), ``_upstream_hint``
(the entry to paste).
"""

from __future__ import annotations

import sys
from pathlib import Path

from _upstream_compare import Difference, compare
from _upstream_hint import hint
from _upstream_ledger import entry_names, explains, ledger_problems, load_ledger, names_used
from _upstream_load import LEDGER, SPEC, copy_date, load, upstream_files
from _upstream_providers import load_providers, provider_problems, report_providers

# What tests/contract/test_upstream_diff.py reads from here, besides main.
__all__ = [
    "LEDGER",
    "SPEC",
    "copy_date",
    "ledger_problems",
    "load",
    "load_ledger",
    "load_providers",
    "main",
    "provider_problems",
]


def main(argv: list[str], ledger_path: Path = LEDGER, spec_path: Path = SPEC) -> int:
    """Print the unexplained differences for each upstream file; the exit code is the verdict.

    With the defaults (no file given), also the providers: spec/'s provider extensions
    against the ledger's `providers:` section (see _upstream_providers.check_providers).
    """
    ours = load(spec_path)
    ledger = load_ledger(ledger_path)
    problems = ledger_problems(ledger)
    if problems:
        for problem in problems:
            print(f"upstream-diff: {ledger_path.name}: {problem}")
        return 1
    given = [Path(a) for a in argv]
    files = given or upstream_files()
    known = [*upstream_files(), *given]
    newest = max(copy_date(p) for p in known)
    newest_names = ", ".join(sorted({p.name for p in known if copy_date(p) >= newest}))
    used: dict[int, set[str]] = {}
    unexplained: list[Difference] = []
    for path in files:
        differences = compare(ours, load(path))
        is_newest = copy_date(path) >= newest
        judged = [d for d in differences if is_newest or not d.is_addition]
        not_here = []
        for difference in judged:
            matched = [i for i, e in enumerate(ledger) if explains(e, difference, path.stem)]
            for i in matched:
                used.setdefault(i, set()).update(names_used(ledger[i], difference, path.stem))
            if not matched:
                not_here.append(difference)
        additions = (
            ""
            if is_newest
            else f" (and {len(differences) - len(judged)} additions of ours, judged against the "
            f"newest copy only: {newest_names})"
        )
        print(
            f"upstream-diff: {path.name}: {len(judged)} differences{additions}, "
            f"{len(judged) - len(not_here)} explained by {ledger_path.name}, {len(not_here)} not"
        )
        for difference in not_here:
            print(f"  {difference}")
        unexplained += [d for d in not_here if d not in unexplained]
    status = 1 if unexplained else 0
    if not argv:
        for index, entry in enumerate(ledger):
            for name in sorted(entry_names(entry) - used.get(index, set())):
                print(f"upstream-diff: {ledger_path.name}: entry {index}: {name} explains nothing")
                status = 1
    if unexplained:
        print(
            "\nupstream-diff: change spec/ to say what Klarna says, or add to the ledger (under "
            "`deviations:`), each with its reason in `why`:\n"
        )
        print(hint(unexplained), end="")
    if not argv:
        newest_stem = max(upstream_files(), key=copy_date).stem
        status = max(status, report_providers(ours, ledger_path, ledger, newest_stem))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
