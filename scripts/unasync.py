"""Makes the sync twins of the async client and transport, as httpcore does for its own.

Usage: python scripts/unasync.py [--check]

The async modules are the only source; each sync module is this script's output, committed.
Before that it writes the raw-response view's method stubs (``_async_raw.py``, between its BEGIN
and END lines): one per public async method of ``AsyncKlarnaOrderManagement``, read from
``_async_client.py``. ``--check`` (run by ``make test``) fails when a committed twin or the stubs
differ from what it would write.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "overrides" / "klarna_om"
FILES = {
    "_async_client.py": "_sync_client.py",
    "_async_raw.py": "_sync_raw.py",
    "_async_transport.py": "_sync_transport.py",
}

#: Whole-word substitutions, applied in order. Each must match in some source: ``--check``
#: fails on a rule that replaces nothing (a name that no longer exists).
SUBS = [
    ("async def ", "def "),
    ("async for ", "for "),
    ("await ", ""),
    ("AsyncKlarnaOrderManagementWithRawResponse", "KlarnaOrderManagementWithRawResponse"),
    ("AsyncKlarnaOrderManagement", "KlarnaOrderManagement"),
    ("AsyncRawMethod", "RawMethod"),
    ("AsyncRetryTransport", "RetryTransport"),
    ("httpx.AsyncBaseTransport", "httpx.BaseTransport"),
    ("handle_async_request", "handle_request"),
    ("async_deadline_scope", "sync_deadline_scope"),
    ("async_sleep", "sync_sleep"),
    ("default_async_transport", "default_sync_transport"),
    ("from ._async_client import", "from ._sync_client import"),
    ("from ._async_raw import", "from ._sync_raw import"),
    ("from ._async_transport import", "from ._sync_transport import"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("aclose", "close"),
    ("acquire_async", "acquire"),
    ("aiter_raw", "iter_raw"),
    ("aread", "read"),
    ("guarded_async", "guarded_sync"),
    ("Awaitable, ", ""),
]
#: ``Awaitable[X]`` -> ``X``, with one level of brackets inside (``Awaitable[RawResponse[R]]``).
_AWAITABLE = re.compile(r"Awaitable\[((?:[^\[\]]|\[[^\[\]]*\])*)\]")
_WORD = re.compile(r"\w")
_DOCSTRING = re.compile(r'\A"""(.*?)"""', re.DOTALL)


RAW_VIEW = "_async_raw.py"
CLIENT = "_async_client.py"
CLIENT_CLASS = "AsyncKlarnaOrderManagement"
#: Public async methods of the client that are not calls (no raw view of them).
NOT_CALLS = {"aclose"}
_BEGIN = "    # BEGIN written by scripts/unasync.py"
_END = "    # END written by scripts/unasync.py"
_REGION = re.compile(rf"(?m)^{re.escape(_BEGIN)}.*\n(?:.*\n)*?{re.escape(_END)}.*$")


def client_calls(client_source: str) -> list[str]:
    """The public async methods of the client class, in source order (its calls)."""
    tree = ast.parse(client_source)
    (cls,) = (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == CLIENT_CLASS)
    return [
        node.name
        for node in cls.body
        if isinstance(node, ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and node.name not in NOT_CALLS
    ]


def with_raw_stubs(raw_source: str, calls: list[str]) -> str:
    """``raw_source`` with the stub region rewritten: one typed stub per client call."""
    stubs = "".join(
        f"\n    @raw_of({CLIENT_CLASS}.{name})\n"
        f"    def {name}(self) -> None:\n"
        f'        """``{name}`` with its HTTP response."""\n'
        for name in calls
    )
    region = f"{_BEGIN} (make unasync), one stub per client call: do not edit\n{stubs}\n{_END}"
    text, found = _REGION.subn(lambda _: region, raw_source, count=1)
    if not found:
        raise SystemExit(f"{RAW_VIEW}: no BEGIN/END lines for the stubs")
    return text


def _pattern(old: str) -> str:
    # whole words only: "aclose" must not touch "_aclose_all", "await " not "awaited "
    left = r"\b" if _WORD.match(old[0]) else ""
    right = r"\b" if _WORD.match(old[-1]) else ""
    return left + re.escape(old) + right


def _sub(text: str, old: str, new: str) -> str:
    return re.sub(_pattern(old), new.replace("\\", r"\\"), text)


def unused_rules(sources: list[str]) -> list[str]:
    """The substitutions that match in none of ``sources`` (dead rules)."""
    return [old for old, _ in SUBS if not any(re.search(_pattern(old), text) for text in sources)]


def unasync(source: str, name: str) -> str:
    """The sync twin of the async module ``name`` with text ``source``."""
    text = _AWAITABLE.sub(r"\1", source)
    for old, new in SUBS:
        text = _sub(text, old, new)
    header = (
        f'"""The sync twin of ``{name}``, made by ``scripts/unasync.py``: do not edit.\n\n'
        "Edit the async source and run ``make unasync``; its docstring says what this is for.\n"
        '"""'
    )
    return _ruff(_DOCSTRING.sub(lambda _: header, text, count=1))


def _ruff(text: str) -> str:
    """Sort imports and format as the pinned ruff does for the rest of the package."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    stdin = str(PACKAGE / "_twin.py")
    for args in (["check", "--fix-only", "--select", "I", "--quiet"], ["format", "--quiet"]):
        text = subprocess.run(
            [ruff, *args, "--stdin-filename", stdin, "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return text


def main(argv: list[str]) -> int:
    """Write the twins, or with ``--check`` report the stale ones; 1 when any is stale."""
    check = "--check" in argv
    stale = []
    sources = {name: (PACKAGE / name).read_text(encoding="utf-8") for name in FILES}
    raw = with_raw_stubs(sources[RAW_VIEW], client_calls(sources[CLIENT]))
    if raw != sources[RAW_VIEW]:
        stale.append(RAW_VIEW)
        sources[RAW_VIEW] = raw
        if not check:
            (PACKAGE / RAW_VIEW).write_text(raw, encoding="utf-8")
    dead = unused_rules(list(sources.values()))
    if dead:
        print(f"unasync rules that replace nothing (delete them): {dead}", file=sys.stderr)
        return 1
    for source_name, target_name in FILES.items():
        wanted = unasync(sources[source_name], source_name)
        target = PACKAGE / target_name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == wanted:
            continue
        stale.append(target_name)
        if not check:
            target.write_text(wanted, encoding="utf-8")
    if check and stale:
        print(
            f"stale sync twins or raw-view stubs {stale}: edit the async source, run "
            "'make unasync'",
            file=sys.stderr,
        )
        return 1
    print(f"sync twins {'up to date' if not stale else 'written: ' + ', '.join(stale)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
