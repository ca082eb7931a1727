"""mkdocs hooks: the HTTP reference built from spec/, and the client reference from ``__all__``.

- The HTTP reference (Redoc, one self-contained page) is made by the pinned Redocly CLI
  (node_modules, `npm ci`) at every build and added to the site as ``klarna-om-api.html``, so
  `mkdocs build` and `mkdocs serve` both carry it and the links to it are checked like any other.
- ``<!-- reference: klarna_om -->`` in a page becomes one mkdocstrings entry per name of
  ``klarna_om.__all__``, grouped (clients, results, inputs, money, retries and transports,
  errors in their tree's order, deprecated aliases last): the list of public names is written
  once, in the package.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "klarna-ordermanagement.yaml"
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
_built = tempfile.TemporaryDirectory(prefix="klarna-om-redoc-")


def on_files(files: Files, config: Any) -> Files:
    """Build the Redoc page of spec/ and add it to the site's files."""
    page = Path(_built.name) / "klarna-om-api.html"
    environment = {
        **os.environ,
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    }
    done = subprocess.run(  # noqa: S603 (the pinned redocly of node_modules)
        [str(REDOCLY), "build-docs", str(SPEC), "--inlineBundle", "-o", str(page)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if done.returncode != 0 or not page.is_file():
        raise SystemExit(f"redocly build-docs failed ({REDOCLY}):\n{done.stdout}{done.stderr}")
    files.append(File.generated(config, "klarna-om-api.html", abs_src_path=str(page)))
    return files


_MARKER = "<!-- reference: klarna_om -->"
_GROUPS = (
    "Clients",
    "Results",
    "Inputs",
    "Money",
    "Idempotency, retries and transports",
    "Errors",
    "Deprecated aliases",
)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Expand the reference marker into the grouped entries of ``klarna_om``."""
    if _MARKER not in markdown:
        return markdown
    sections = []
    for title, names in _grouped_names("klarna_om").items():
        if names:
            entries = "\n\n".join(f"::: klarna_om.{name}" for name in names)
            sections.append(f"## {title}\n\n{entries}")
    return markdown.replace(_MARKER, "\n\n".join(sections))


def _grouped_names(package_name: str) -> dict[str, list[str]]:
    package = importlib.import_module(package_name)
    objects = {name: getattr(package, name) for name in package.__all__}
    groups: dict[str, list[str]] = {title: [] for title in _GROUPS}
    base = objects["KlarnaError"]
    for name, value in objects.items():
        if isinstance(value, type) and issubclass(value, BaseException):
            if value.__name__ != name:
                groups["Deprecated aliases"].append(name)
            continue
        groups[_group_of(name, value)].append(name)
    groups["Clients"].sort(key=lambda n: (n.replace("Async", ""), n.startswith("Async")))
    exported = {v for n, v in objects.items() if isinstance(v, type) and v.__name__ == n}
    groups["Errors"] = [e.__name__ for e in _tree(base) if e in exported]
    return groups


def _group_of(name: str, value: Any) -> str:
    if "KlarnaOrderManagement" in name or name in ("RawResponse", "DEFAULT_TIMEOUT", "__version__"):
        return "Clients"
    if name.endswith("Input"):
        return "Inputs"
    if "return_fee" in name.lower() or name == "ReturnFee":
        return "Money"
    if name == "RefundCreated" or getattr(value, "__module__", "").startswith(
        "klarna_om_generated"
    ):
        return "Results"
    return "Idempotency, retries and transports"


def _tree(error: type) -> list[type]:
    """``error`` and its subclasses, depth first, in the order they were defined."""
    subclasses: list[type] = error.__subclasses__()
    return [error, *(c for sub in subclasses for c in _tree(sub))]
