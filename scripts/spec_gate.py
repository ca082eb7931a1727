"""The breaking-change gate: classify every change of the working-tree spec since a fixed base.

Usage: python scripts/spec_gate.py [BASE]   (run from the repository root; `make spec-diff`)

The base, unless BASE names one: the spec at the last release tag (``v*``) reachable from HEAD;
else at the merge-base with the main branch (``origin/main`` or ``main``); else at the first
commit that added the spec. The spec compared is the working tree's, committed or not.

Classification starts from api-smart-diff's (scripts/spec_diff.cjs) and adds what breaks a client
that reads responses: removing a response property or response header, removing an enum value a
response can carry, changing a response value's type or format. Removing an operation, adding a
required request field or parameter, tightening a request bound are breaking as api-smart-diff
says. A breaking change passes only when an entry marked ⚠️ under the CHANGELOG's Unreleased
section names its subject: ``Schema.property`` (e.g. ``Refund.credit_invoice``) for a change inside
a component, else the operationId (e.g. ``refundOrder``). After a release, its tag is the base, so
earlier acknowledgements are never needed again.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from _refs import follow_ref

SPEC = "spec/klarna-ordermanagement.yaml"
WARNING = "⚠️"
DIFF_SCRIPT = Path(__file__).resolve().parent / "spec_diff.cjs"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def git(*args: str) -> str:
    """Run git; return stdout (raises CalledProcessError on failure)."""
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def _try_git(*args: str) -> str | None:
    try:
        return git(*args).strip() or None
    except subprocess.CalledProcessError:
        return None


def default_base() -> tuple[str, str] | None:
    """(commit, how it was chosen): last release tag, else merge-base with main, else first add."""
    tag = _try_git("describe", "--tags", "--abbrev=0", "--match", "v[0-9]*", "HEAD")
    if tag:
        return _try_git("rev-list", "-n", "1", tag) or tag, f"release tag {tag}"
    for ref in ("origin/main", "main"):
        base = _try_git("merge-base", "HEAD", ref)
        if base:
            return base, f"merge-base with {ref}"
    first = _try_git("log", "--diff-filter=A", "--format=%H", "--", SPEC)
    if first:
        return first.splitlines()[-1], "the commit that added the spec"
    return None


def unreleased(changelog: str) -> str:
    """The text of the CHANGELOG's Unreleased section."""
    match = re.search(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## \[|\Z)", changelog, re.S | re.M)
    return match.group(1) if match else ""


def warning_entries(changelog: str) -> list[str]:
    """The Unreleased entries marked ⚠️, each with its continuation lines."""
    entries: list[list[str]] = []
    current: list[str] | None = None
    for line in unreleased(changelog).splitlines():
        if line.lstrip().startswith("- "):
            current = [line]
            entries.append(current)
        elif current is not None and line.startswith("  ") and line.strip():
            current.append(line)
        else:
            current = None
    return [" ".join(entry) for entry in entries if WARNING in entry[0]]


def _child(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node.get(key, {})
    if isinstance(node, list) and key.isdigit() and int(key) < len(node):
        return node[int(key)]
    return {}


def locate(doc: dict[str, Any], path: list[str]) -> dict[str, Any]:
    """Where a change is, by walking ``path`` in ``doc`` through ``$ref``s.

    Returns the subject (``Schema.property``, ``Schema`` or the operationId), whether the path
    is on the response side, and the key the change is at.
    """
    component: str | None = None
    prop: str | None = None
    operation: str | None = None
    response = False
    node: Any = doc
    keys = list(path)
    if keys[:2] == ["components", "schemas"] and len(keys) > 2:
        component, node, keys = keys[2], doc["components"]["schemas"].get(keys[2], {}), keys[3:]
    elif keys[:1] == ["paths"] and len(keys) > 2 and keys[2] in HTTP_METHODS:
        op = doc.get("paths", {}).get(keys[1], {}).get(keys[2], {})
        operation = op.get("operationId") or f"{keys[2].upper()} {keys[1]}"
        node, keys = op, keys[3:]
        response = bool(keys) and keys[0] == "responses"
    expect_property = False
    for key in keys:
        node, entered = follow_ref(doc, node)
        if entered:
            component, prop = entered, None
        if expect_property and prop is None and component is not None:
            prop = key
        expect_property = key == "properties"
        node = _child(node, key)
    if component is not None:
        subject = f"{component}.{prop}" if prop else component
    else:
        subject = operation or ".".join(path[:3])
    return {"subject": subject, "response": response, "component": component}


def response_components(doc: dict[str, Any]) -> set[str]:
    """Component schemas a response can carry, transitively."""
    found: set[str] = set()
    todo: list[Any] = []
    for item in doc.get("paths", {}).values():
        for method, op in item.items():
            if method in HTTP_METHODS:
                for response in op.get("responses", {}).values():
                    todo.append(response)
    for response in doc.get("components", {}).get("responses", {}).values():
        todo.append(response)
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found.add(name)
                    todo.append(doc["components"]["schemas"].get(name, {}))
            elif isinstance(ref, str) and ref.startswith("#/components/responses/"):
                todo.append(doc["components"]["responses"].get(ref.rsplit("/", 1)[1], {}))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return found


def classify(
    change: dict[str, Any], old: dict[str, Any], new: dict[str, Any], readers: set[str]
) -> dict[str, Any]:
    """One change with its subject and its verdict (api-smart-diff's, raised where it misses)."""
    path: list[str] = change["pathArray"]
    where = locate(old if change["action"] == "remove" else new, path)
    on_response = where["response"] or where["component"] in readers
    last = path[-1] if path else ""
    parent = path[-2] if len(path) > 1 else ""
    reason = None
    if on_response and change["action"] == "remove":
        if parent == "properties":
            reason = "a response property is removed"
        elif parent == "enum":
            reason = "a value a response can carry is removed"
        elif parent == "headers" and "responses" in path:
            reason = "a response header is removed"
    if on_response and change["action"] in ("replace", "remove") and last in ("type", "format"):
        reason = f"a response value's {last} changes"
    breaking = change["type"] == "breaking" or reason is not None
    return {**change, **where, "breaking": breaking, "reason": reason}


def main(argv: list[str]) -> int:
    """Run the gate; the exit code is the verdict."""
    if argv:
        chosen: tuple[str, str] | None = (argv[0], f"BASE={argv[0]}")
    else:
        chosen = default_base()
    if chosen is None:
        print(f"spec-diff: {SPEC} has no committed version yet: nothing to compare")
        return 0
    base, how = chosen
    try:
        old_text = git("show", f"{base}:{SPEC}")
    except subprocess.CalledProcessError:
        print(f"spec-diff: {SPEC} does not exist at {base}; nothing to compare")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "base.yaml"
        before.write_text(old_text, encoding="utf-8")
        done = subprocess.run(
            ["node", str(DIFF_SCRIPT), str(before), SPEC, "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode not in (0, 2):
        print(done.stdout + done.stderr, file=sys.stderr)
        return done.returncode
    old = yaml.safe_load(old_text)
    new = yaml.safe_load(Path(SPEC).read_text(encoding="utf-8"))
    readers = response_components(old) | response_components(new)
    changes = [classify(c, old, new, readers) for c in json.loads(done.stdout)]
    print(f"spec-diff: {how} ({base[:12]}) -> working tree: {len(changes)} changes")
    subjects: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        verdict = "breaking" if change["breaking"] else "compatible"
        print(f"  {verdict:10} {change['action']:7} {change['subject']:40} {change['path']}")
        if change["breaking"]:
            subjects.setdefault(change["subject"], []).append(change)
    entries = warning_entries(Path("CHANGELOG.md").read_text(encoding="utf-8"))
    unacknowledged = [s for s in subjects if not any(s in entry for entry in entries)]
    for subject in subjects:
        reasons = sorted({c["reason"] or "breaking (api-smart-diff)" for c in subjects[subject]})
        state = "NOT acknowledged" if subject in unacknowledged else f"acknowledged ({WARNING})"
        print(f"spec-diff: breaking: {subject}: {'; '.join(reasons)}: {state}")
    if unacknowledged:
        print(
            f"spec-diff: add an entry marked {WARNING} under Unreleased in CHANGELOG.md that names "
            f"{', '.join(f'`{s}`' for s in unacknowledged)}, or make the change compatible",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
